package nn

import (
	"fmt"
	"math"
)

// BatchNormalization normalises each channel (the last axis), as
// keras.layers.BatchNormalization (axis=-1; ONNX BatchNormalization, PyTorch
// BatchNorm2d on NCHW data):
//
//	y = γ · (x - μ) / sqrt(σ² + ε) + β
//
// In inference μ and σ² are the moving statistics. In training they are the
// batch's: the mean and the (biased, divide-by-count) variance of the
// channel over batch, height and width, and the moving statistics follow
// them: moving = moving·momentum + batch·(1 - momentum) (Keras 3; PyTorch
// and TensorFlow's fused kernel use the unbiased variance there). Defaults
// are Keras': momentum 0.99, ε 1e-3 (ONNX and PyTorch: ε 1e-5).
//
// Weights, in Keras' order: gamma and beta (trainable, Params), then
// moving_mean and moving_variance (non-trainable, State), each (channels,);
// initially ones, zeros, zeros and ones.
//
// Backward in training mode differentiates through the batch statistics
// (Ioffe & Szegedy 2015, §3), with x̂ = (x - μ)/sqrt(σ² + ε) over the m
// values of a channel:
//
//	dγ = Σ dy·x̂,  dβ = Σ dy,  dx = γ/sqrt(σ² + ε) · (dy - dβ/m - x̂·dγ/m)
//
// and after an inference Forward (explanations) it treats the statistics as
// constants: dx = γ/sqrt(σ² + ε) · dy.
type BatchNormalization struct {
	named
	eps, momentum float64
	err           error
	eng           Engine

	in                    []int
	c                     int
	gamma, beta           *Param
	movingMean, movingVar *Param

	training      bool      // the last Forward used batch statistics
	mean, inv     []float32 // μ and 1/sqrt(σ²+ε) of the last Forward
	scale, shift  []float32 // y = x·scale + shift
	sum, sq       []float64 // statistics scratch
	x, y, dx, dy  *Tensor
	fwd           func(worker, i int)
	pixels, chunk int // pixels of the running call, pixels per work item
}

// NewBatchNormalization returns a BatchNormalization layer over the last
// axis. Options: WithEpsilon (default 1e-3), WithMomentum (default 0.99),
// WithName.
func NewBatchNormalization(opts ...Option) *BatchNormalization {
	o, err := applyOptions("BatchNormalization", options{epsilon: 1e-3, momentum: 0.99}, optEpsilon|optMomentum, opts)
	b := &BatchNormalization{eps: o.epsilon, momentum: o.momentum, err: err}
	b.name = o.name
	return b
}

// setEngine makes the layer compute with e (Graph.SetEngine).
func (b *BatchNormalization) setEngine(e Engine) { b.eng = e }

// Kind returns "BatchNormalization".
func (b *BatchNormalization) Kind() string { return "BatchNormalization" }

func (b *BatchNormalization) check() error {
	if b.err != nil {
		return b.err
	}
	if !(b.eps > 0) || math.IsInf(b.eps, 0) {
		return fmt.Errorf("BatchNormalization: expected epsilon > 0, received %g", b.eps)
	}
	if !(b.momentum >= 0 && b.momentum <= 1) {
		return fmt.Errorf("BatchNormalization: expected momentum in [0, 1], received %g", b.momentum)
	}
	return nil
}

// Build accepts any input with channels last and returns it unchanged.
func (b *BatchNormalization) Build(in []int) ([]int, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	if len(in) == 0 {
		return nil, fmt.Errorf("BatchNormalization: expected an input of rank >= 1, received ()")
	}
	b.in = append([]int(nil), in...)
	b.c = in[len(in)-1]
	b.gamma, b.beta = newParam("gamma", b.c), newParam("beta", b.c)
	b.movingMean = &Param{Name: "moving_mean", Shape: []int{b.c}, Value: make([]float32, b.c)}
	b.movingVar = &Param{Name: "moving_variance", Shape: []int{b.c}, Value: make([]float32, b.c)}
	b.mean, b.inv = make([]float32, b.c), make([]float32, b.c)
	b.scale, b.shift = make([]float32, b.c), make([]float32, b.c)
	b.sum, b.sq = make([]float64, b.c), make([]float64, b.c)
	b.fwd = b.applyChunk
	b.Init(nil)
	return b.in, nil
}

// Init sets Keras' initial values: gamma 1, beta 0, moving mean 0, moving
// variance 1.
func (b *BatchNormalization) Init(Rand) {
	for i := 0; i < b.c; i++ {
		b.gamma.Value[i], b.beta.Value[i] = 1, 0
		b.movingMean.Value[i], b.movingVar.Value[i] = 0, 1
	}
}

// Params returns gamma and beta.
func (b *BatchNormalization) Params() []*Param { return []*Param{b.gamma, b.beta} }

// State returns moving_mean and moving_variance.
func (b *BatchNormalization) State() []*Param { return []*Param{b.movingMean, b.movingVar} }

// Config returns the Keras config (epsilon, momentum).
func (b *BatchNormalization) Config() LayerConfig {
	return LayerConfig{ClassName: "BatchNormalization", Name: b.name, Epsilon: b.eps, Momentum: b.momentum}
}

// Forward normalises with the batch statistics (training, which also
// updates the moving ones) or the moving statistics.
func (b *BatchNormalization) Forward(y, x *Tensor, training bool) {
	n := x.Batch()
	checkTensor("BatchNormalization", "input", x, n, b.in)
	checkTensor("BatchNormalization", "output", y, n, b.in)
	c := b.c
	b.training = training
	if training {
		clear(b.sum)
		clear(b.sq)
		for p := 0; p < len(x.Data); p += c {
			for i, v := range x.Data[p : p+c] {
				b.sum[i] += float64(v)
			}
		}
		m := float64(len(x.Data) / c)
		for i := range b.sum {
			b.sum[i] /= m
		}
		for p := 0; p < len(x.Data); p += c {
			for i, v := range x.Data[p : p+c] {
				d := float64(v) - b.sum[i]
				b.sq[i] += d * d
			}
		}
		mom := b.momentum
		for i := 0; i < c; i++ {
			v := b.sq[i] / m
			b.mean[i] = float32(b.sum[i])
			b.inv[i] = float32(1 / math.Sqrt(v+b.eps))
			mm, mv := b.movingMean.Value, b.movingVar.Value
			mm[i] = float32(float64(mm[i])*mom + b.sum[i]*(1-mom))
			mv[i] = float32(float64(mv[i])*mom + v*(1-mom))
		}
	} else {
		for i := 0; i < c; i++ {
			b.mean[i] = b.movingMean.Value[i]
			b.inv[i] = float32(1 / math.Sqrt(float64(b.movingVar.Value[i])+b.eps))
		}
	}
	for i := 0; i < c; i++ {
		b.scale[i] = b.gamma.Value[i] * b.inv[i]
		b.shift[i] = b.beta.Value[i] - b.mean[i]*b.scale[i]
	}
	b.x, b.y = x, y
	b.pixels = len(x.Data) / c
	b.chunk = max(1, pwChunk/c)
	b.eng.parallelFor((b.pixels+b.chunk-1)/b.chunk, b.fwd)
	b.x, b.y = nil, nil
}

// applyChunk computes y = x·scale + shift for one range of pixels.
func (b *BatchNormalization) applyChunk(_, i int) {
	c := b.c
	p0, p1 := i*b.chunk, min((i+1)*b.chunk, b.pixels)
	x, y := b.x.Data[p0*c:p1*c], b.y.Data[p0*c:p1*c]
	for p := 0; p < len(x); p += c {
		xs, ys := x[p:p+c], y[p:p+c]
		sc, sh := b.scale[:len(xs)], b.shift[:len(xs)]
		for k, v := range xs {
			ys[k] = v*sc[k] + sh[k]
		}
	}
}

// Backward computes dγ, dβ and, if dx is not nil, dx (see the type's doc).
func (b *BatchNormalization) Backward(dx, dy, x, y *Tensor) {
	n := dy.Batch()
	checkTensor("BatchNormalization", "input", x, n, b.in)
	checkTensor("BatchNormalization", "output gradient", dy, n, b.in)
	c := b.c
	dg, db := b.sum, b.sq // Σ dy·x̂ and Σ dy, in float64
	clear(dg)
	clear(db)
	for p := 0; p < len(x.Data); p += c {
		xs, ds := x.Data[p:p+c], dy.Data[p:p+c]
		for i, v := range xs {
			d := float64(ds[i])
			db[i] += d
			dg[i] += d * float64((v-b.mean[i])*b.inv[i])
		}
	}
	for i := 0; i < c; i++ {
		b.gamma.Grad[i], b.beta.Grad[i] = float32(dg[i]), float32(db[i])
	}
	if dx == nil {
		return
	}
	checkTensor("BatchNormalization", "input gradient", dx, n, b.in)
	if !b.training {
		for p := 0; p < len(x.Data); p += c {
			ds, dxs := dy.Data[p:p+c], dx.Data[p:p+c]
			for i, d := range ds {
				dxs[i] = d * b.scale[i]
			}
		}
		return
	}
	m := float64(len(x.Data) / c)
	for i := 0; i < c; i++ {
		dg[i] /= m
		db[i] /= m
	}
	for p := 0; p < len(x.Data); p += c {
		xs, ds, dxs := x.Data[p:p+c], dy.Data[p:p+c], dx.Data[p:p+c]
		for i, v := range xs {
			xh := float64((v - b.mean[i]) * b.inv[i])
			dxs[i] = b.scale[i] * float32(float64(ds[i])-db[i]-xh*dg[i])
		}
	}
}
