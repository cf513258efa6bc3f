package explain

import (
	"context"
	"fmt"
	"math"
	"math/rand"

	"github.com/convscope/convscope/nn"
)

// Saliency (Simonyan et al. 2014, "Deep inside convolutional networks",
// section 3.1) is the input gradient ∂s/∂x, shown as max_c |∂s/∂x_ijc|.
// Guided backprop (Springenberg et al. 2015) is the same gradient with the
// guided ReLU rule (nn.BackwardOptions.Guided). Both are one backward pass
// after the forward pass (Explain's inputGradient).

// batchGradients computes Σ_k w_k ∂s/∂x at the points fill(k, dst) for
// k = 0..n-1, in passes of o.Batch samples, and adds it into acc (float64,
// one input's size). The class is c. The n points are split into
// ceil(n/Batch) passes of equal size (25 points: 4 passes of 7); the last
// pass is padded (repeating the last point, not counted) so the network
// never reallocates its buffers for a smaller batch.
func (e *Explainer) batchGradients(ctx context.Context, n int, w func(k int) float64, fill func(k int, dst []float32),
	c int, o Options, acc []float64) error {
	in := e.m.InputShape()
	b := (n + (n+o.Batch-1)/o.Batch - 1) / ((n + o.Batch - 1) / o.Batch)
	x := sized(e.xb, b, in)
	e.xb = x
	var dy *nn.Tensor
	for lo := 0; lo < n; lo += b {
		if err := ctx.Err(); err != nil {
			return err
		}
		for j := 0; j < b; j++ {
			fill(min(lo+j, n-1), x.Sample(j))
		}
		e.m.Forward(x)
		z, err := e.m.Logits()
		if err != nil {
			return err
		}
		if dy == nil {
			dy = nn.NewTensor(z.Shape...)
		}
		for j := 0; j < b; j++ {
			scoreOf(z.Sample(j), c, dy.Sample(j))
		}
		if err := e.m.BackwardWith(nn.BackwardOptions{FromLogits: true, SkipWeights: true, InputGrad: true}, dy); err != nil {
			return err
		}
		g := e.m.Grad(nn.InputName)
		if g == nil {
			return fmt.Errorf("explain: the model returned no input gradient")
		}
		for j := 0; j < b && lo+j < n; j++ {
			wk := w(lo + j)
			for i, v := range g.Sample(j) {
				acc[i] += wk * float64(v)
			}
		}
		if o.Progress != nil {
			o.Progress(min(lo+b, n), n)
		}
	}
	return nil
}

// smoothGrad is SmoothGrad (Smilkov et al. 2017, "SmoothGrad: removing
// noise by adding noise", eq. 3): the mean input gradient over n noisy
// copies of x,
//
//	M(x) = (1/n) Σ_k ∂s/∂x (x + ε_k),   ε_k ~ N(0, σ²),   σ = Noise·(max x − min x)
//
// (σ = Noise when x is constant), with n = Samples (default 25), Noise
// 0.15 and noise drawn from math/rand seeded with Seed, sample by sample
// in NHWC order. Raw is M(x), (H, W, C); it is shown as max_c |M|.
func (e *Explainer) smoothGrad(ctx context.Context, r *Result, x []float32, o Options) error {
	lo, hi := x[0], x[0]
	for _, v := range x {
		lo, hi = min(lo, v), max(hi, v)
	}
	sigma := o.Noise * float64(hi-lo)
	if sigma == 0 {
		sigma = o.Noise
	}
	rng := rand.New(rand.NewSource(o.Seed))
	noise := make([]float32, o.Samples*len(x))
	for i := range noise {
		noise[i] = float32(sigma * rng.NormFloat64())
	}
	acc := make([]float64, len(x))
	inv := 1 / float64(o.Samples)
	err := e.batchGradients(ctx, o.Samples, func(int) float64 { return inv }, func(k int, dst []float32) {
		eps := noise[k*len(x):]
		for i, v := range x {
			dst[i] = v + eps[i]
		}
	}, r.Class, o, acc)
	if err != nil {
		return err
	}
	r.Raw = make([]float32, len(x))
	for i, v := range acc {
		r.Raw[i] = float32(v)
	}
	return nil
}

// pathWeights returns IG's quadrature points α_k and weights for m steps
// (see Rule).
func pathWeights(m int, rule Rule) (alpha, w []float64) {
	alpha, w = make([]float64, m), make([]float64, m)
	for k := range alpha {
		if rule == GaussLegendre {
			break
		}
		if rule == Graded {
			u := (float64(k) + 0.5) / float64(m)
			alpha[k], w[k] = u*u, 2*u/float64(m)
			continue
		}
		if rule == Trapezoid {
			alpha[k], w[k] = float64(k)/float64(m-1), 1/float64(m-1)
			if k == 0 || k == m-1 {
				w[k] /= 2
			}
		} else {
			alpha[k], w[k] = (float64(k)+0.5)/float64(m), 1/float64(m)
		}
	}
	if rule == GaussLegendre {
		gaussLegendre(alpha, w)
	}
	return alpha, w
}

// gaussLegendre fills the m-point Gauss–Legendre nodes and weights on
// [0, 1]: the roots x_i of the Legendre polynomial P_m (Newton's method
// from cos(π(i+¾)/(m+½))) mapped by (1+x)/2, weights 1/((1−x²)·P_m'(x)²).
func gaussLegendre(alpha, w []float64) {
	m := len(alpha)
	for i := 0; i < m; i++ {
		x := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(m) + 0.5))
		var dp float64
		for it := 0; it < 100; it++ {
			p0, p1 := 1.0, x
			for k := 2; k <= m; k++ {
				p0, p1 = p1, ((2*float64(k)-1)*x*p1-(float64(k)-1)*p0)/float64(k)
			}
			if m == 1 {
				p0, p1 = 1, x
			}
			dp = float64(m) * (x*p1 - p0) / (x*x - 1)
			dx := p1 / dp
			x -= dx
			if math.Abs(dx) < 1e-15 {
				break
			}
		}
		alpha[m-1-i] = (1 + x) / 2
		w[m-1-i] = 1 / ((1 - x*x) * dp * dp)
	}
}

// integratedGradients is Integrated Gradients (Sundararajan et al. 2017,
// "Axiomatic attribution for deep networks", eq. 3 and its Riemann
// approximation in section 5):
//
//	IG_i(x) = (x_i − x′_i) · ∫₀¹ ∂s/∂x_i (x′ + α(x − x′)) dα
//	        ≈ (x_i − x′_i) · Σ_k w_k ∂s/∂x_i (x′ + α_k(x − x′))
//
// with the black baseline x′ = 0 (Baseline overrides it), m = Steps
// (default 32) gradient evaluations and the quadrature Rule (default
// Graded: α_k = ((k+½)/m)², w_k = (2k+1)/m²). Raw is the attributions, (H, W, C),
// shown as Σ_c |IG| (Captum's visualisation); Completeness compares Σ IG
// with s(x) − s(x′).
func (e *Explainer) integratedGradients(ctx context.Context, r *Result, x []float32, o Options) error {
	base := o.Baseline
	if base == nil {
		base = make([]float32, len(x))
	} else if len(base) != len(x) {
		return fmt.Errorf("explain: expected a baseline of %d values, received %d", len(x), len(base))
	}
	alpha, w := pathWeights(o.Steps, o.Rule)
	acc := make([]float64, len(x))
	err := e.batchGradients(ctx, o.Steps, func(k int) float64 { return w[k] }, func(k int, dst []float32) {
		a := float32(alpha[k])
		for i, v := range x {
			dst[i] = base[i] + a*(v-base[i])
		}
	}, r.Class, o, acc)
	if err != nil {
		return err
	}
	r.Raw = make([]float32, len(x))
	var sum float64
	for i, v := range acc {
		at := (float64(x[i]) - float64(base[i])) * v
		r.Raw[i] = float32(at)
		sum += at
	}
	zb, err := e.forward(base)
	if err != nil {
		return err
	}
	sb := scoreOf(zb, r.Class, make([]float32, len(zb)))
	c := &Completeness{Sum: sum, Delta: r.Score - sb, BaselineScore: sb}
	c.Gap = math.Abs(c.Sum - c.Delta)
	if c.Delta != 0 {
		c.Gap /= math.Abs(c.Delta)
	}
	r.Completeness = c
	return nil
}
