package nn

import "fmt"

// Dense is a fully connected layer, as keras.layers.Dense on a vector input:
//
//	y[n, j] = f(b[j] + Σ_i x[n, i] · W[i, j])
//
// with the kernel W in Keras' layout (in, units), the bias b (units,) and the
// activation f. Input (in,) gives output (units,). Keras also applies Dense
// to the last axis of higher-rank inputs; here the input must be a vector
// (put a Flatten or GlobalAveragePooling2D before it).
//
// The product is one GEMM (a matrix-vector product for a single sample),
// split into column blocks so every core works.
type Dense struct {
	named
	units   int
	actName string
	useBias bool
	err     error

	noWeightGrads bool // Backward computes dx only (skipWeightGrads)

	act           activation
	eng           Engine
	in            int
	kernel, bias  *Param
	dz            []float32 // backward scratch, batch×units
	part          []float32 // partial sums of a single sample's product
	bw, nOut      int       // column block width and count of the current call
	bwIn, nIn     int       // same over the input columns (backward)
	x, y, dx      *Tensor
	cur           []float32 // dz of the running Backward
	fwd, bwd, one func(worker, i int)
}

// NewDense returns a Dense layer with the given number of units (Keras:
// Dense(units, ...)). Options: WithActivation (default linear), WithUseBias
// (default true), WithName.
func NewDense(units int, opts ...Option) *Dense {
	o, err := applyOptions("Dense", options{useBias: true}, optActivation|optUseBias, opts)
	d := &Dense{units: units, actName: o.activation, useBias: o.useBias, err: err}
	d.name = o.name
	d.act, _ = parseActivation(o.activation)
	return d
}

// skipWeightGrads makes Backward compute only the input gradient until
// called with false (Graph.BackwardWith's SkipWeights).
func (d *Dense) skipWeightGrads(skip bool) { d.noWeightGrads = skip }

// Kind returns "Dense".
func (d *Dense) Kind() string { return "Dense" }

func (d *Dense) check() error {
	if d.err != nil {
		return d.err
	}
	if d.units <= 0 {
		return fmt.Errorf("Dense: expected units > 0, received %d", d.units)
	}
	var err error
	if d.act, err = parseActivation(d.actName); err != nil {
		return fmt.Errorf("Dense: %w", err)
	}
	return nil
}

// Build checks the input (in,), allocates the kernel (in, units) and bias
// (units,) and returns (units,).
func (d *Dense) Build(in []int) ([]int, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	if len(in) != 1 {
		return nil, fmt.Errorf("Dense: expected input of rank 1 (features), received %s (add a Flatten layer before it)", shapeString(in))
	}
	if err := checkParams("Dense", float64(in[0])*float64(d.units)+float64(d.units)); err != nil {
		return nil, err
	}
	d.in = in[0]
	d.kernel = newParam("kernel", d.in, d.units)
	d.bias = nil
	if d.useBias {
		d.bias = newParam("bias", d.units)
	}
	d.fwd, d.bwd, d.one = d.forwardBlock, d.backwardBlock, d.oneChunk
	return []int{d.units}, nil
}

// Params returns the kernel and, with use_bias, the bias.
func (d *Dense) Params() []*Param {
	if d.bias == nil {
		return []*Param{d.kernel}
	}
	return []*Param{d.kernel, d.bias}
}

// Init draws a Glorot-uniform kernel and zeroes the bias (Keras defaults).
func (d *Dense) Init(rng Rand) {
	glorotUniform(d.kernel.Value, d.in, d.units, rng)
	if d.bias != nil {
		clear(d.bias.Value)
	}
}

// Config returns the Keras config (units, activation, use_bias).
func (d *Dense) Config() LayerConfig {
	return LayerConfig{ClassName: "Dense", Name: d.name, Units: d.units, Activation: d.act.String(), NoBias: !d.useBias}
}

// setEngine makes the layer compute with e (Sequential.SetEngine).
func (d *Dense) setEngine(e Engine) { d.eng = e }

// blocks splits cols columns into about two blocks per worker, at least 16
// wide, and returns the width and count.
func (d *Dense) blocks(cols int) (width, count int) {
	count = max(1, min((cols+15)/16, 2*d.eng.workers()))
	width = (cols + count - 1) / count
	return width, (cols + width - 1) / width
}

// Forward computes y = f(x·W + b).
func (d *Dense) Forward(y, x *Tensor, training bool) {
	n := x.Batch()
	checkTensor("Dense", "input", x, n, []int{d.in})
	checkTensor("Dense", "output", y, n, []int{d.units})
	d.x, d.y = x, y
	if n == 1 {
		d.forwardOne()
	} else {
		d.bw, d.nOut = d.blocks(d.units)
		d.eng.parallelFor(d.nOut, d.fwd)
		if d.act == actSoftmax { // needs whole rows
			biasAct(y.Data, nil, d.units, d.act)
		}
	}
	d.x, d.y = nil, nil
}

// denseChunks is the number of row ranges of W a single sample's product is
// split into. It is fixed, not the engine's workers, so the sums do not depend on the
// number of cores.
const denseChunks = 4

// forwardOne computes one sample as y = f(b + Σ_chunks Wᵀ[chunk]·x[chunk]):
// each chunk is a contiguous range of W's rows, streamed once (for one
// sample the product is bound by reading W, and contiguous reads are the
// fastest), and the partial sums are added in chunk order.
func (d *Dense) forwardOne() {
	if len(d.part) != denseChunks*d.units {
		d.part = make([]float32, denseChunks*d.units)
	}
	d.eng.parallelFor(denseChunks, d.one)
	y := d.y.Data
	copy(y, d.part[:d.units])
	for c := 1; c < denseChunks; c++ {
		addTo(y, d.part[c*d.units:(c+1)*d.units])
	}
	var b []float32
	if d.bias != nil {
		b = d.bias.Value
	}
	biasAct(y, b, d.units, d.act)
}

func (d *Dense) oneChunk(_, c int) {
	i0, i1 := c*d.in/denseChunks, (c+1)*d.in/denseChunks
	part := d.part[c*d.units : (c+1)*d.units]
	clear(part)
	axpyRows(part, d.kernel.Value[i0*d.units:], d.x.Data[i0:i1], d.units)
}

func (d *Dense) forwardBlock(_, blk int) {
	n := d.x.Batch()
	j0 := blk * d.bw
	j1 := min(j0+d.bw, d.units)
	y := d.y.Data
	d.eng.gemm(false, false, n, j1-j0, d.in, 1, d.x.Data, d.in, d.kernel.Value[j0:], d.units, 0, y[j0:], d.units)
	act := d.act
	if act == actSoftmax {
		act = actLinear
	}
	var b []float32
	if d.bias != nil {
		b = d.bias.Value[j0:j1]
	}
	for r := 0; r < n; r++ {
		biasAct(y[r*d.units+j0:r*d.units+j1], b, j1-j0, act)
	}
}

// Backward computes, with dz = dy ⊙ f'(y): dW = xᵀ·dz, db = Σ_n dz and
// dx = dz·Wᵀ, as independent column blocks of dW and dx.
func (d *Dense) Backward(dx, dy, x, y *Tensor) {
	n := x.Batch()
	checkTensor("Dense", "input", x, n, []int{d.in})
	checkTensor("Dense", "output", y, n, []int{d.units})
	checkTensor("Dense", "output gradient", dy, n, []int{d.units})
	d.cur = dy.Data
	if d.act != actLinear {
		if len(d.dz) != len(dy.Data) {
			d.dz = make([]float32, len(dy.Data))
		}
		d.act.grad(d.dz, dy.Data, y.Data, d.units)
		d.cur = d.dz
	}
	d.nIn = 0
	if dx != nil {
		checkTensor("Dense", "input gradient", dx, n, []int{d.in})
		d.bwIn, d.nIn = d.blocks(d.in)
	}
	d.bw, d.nOut = d.blocks(d.units)
	if d.noWeightGrads {
		d.nOut = 0 // input gradient blocks only
	}
	d.x, d.dx = x, dx
	d.eng.parallelFor(d.nOut+d.nIn, d.bwd)
	d.x, d.dx, d.cur = nil, nil, nil
}

func (d *Dense) backwardBlock(_, blk int) {
	n := d.x.Batch()
	dz := d.cur
	if blk < d.nOut {
		j0 := blk * d.bw
		j1 := min(j0+d.bw, d.units)
		d.eng.gemm(true, false, d.in, j1-j0, n, 1, d.x.Data, d.in, dz[j0:], d.units, 0, d.kernel.Grad[j0:], d.units)
		if d.bias != nil {
			db := d.bias.Grad[j0:j1]
			clear(db)
			for r := 0; r < n; r++ {
				addTo(db, dz[r*d.units+j0:r*d.units+j1])
			}
		}
		return
	}
	i0 := (blk - d.nOut) * d.bwIn
	i1 := min(i0+d.bwIn, d.in)
	if n == 1 { // dx = W·dz
		d.eng.gemv(false, i1-i0, d.units, 1, d.kernel.Value[i0*d.units:], d.units, dz, 0, d.dx.Data[i0:i1])
		return
	}
	d.eng.gemm(false, true, n, i1-i0, d.units, 1, dz, d.units, d.kernel.Value[i0*d.units:], d.units, 0, d.dx.Data[i0:], d.in)
}
