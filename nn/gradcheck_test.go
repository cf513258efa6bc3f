package nn

import (
	"math"
	"math/rand"
	"testing"
)

// gradCase is one finite-difference gradient check of a layer.
type gradCase struct {
	name  string
	layer func() Layer
	in    []int // per-sample input shape
	batch int
	// prep, if set, adjusts parameters and input after the random fill
	// (e.g. to keep pre-activations away from relu's kink).
	prep func(l Layer, x *Tensor, rng *rand.Rand)
	// eng is the engine the layer computes with (the zero value: the
	// default).
	eng Engine
}

// fillUniform fills v with U(-a, a).
func fillUniform(v []float32, a float64, rng *rand.Rand) {
	for i := range v {
		v[i] = float32((2*rng.Float64() - 1) * a)
	}
}

// forwardLoss runs the layer and returns L = Σ y·r in float64.
func forwardLoss(l Layer, y, x, r *Tensor) float64 {
	if s, ok := l.(Seeder); ok {
		s.Seed(7) // the same dropout mask on every call
	}
	l.Forward(y, x, true)
	var sum float64
	for i, v := range y.Data {
		sum += float64(v) * float64(r.Data[i])
	}
	return sum
}

// checkGradients compares Backward with central differences of
// L = Σ y·r for every input value and every parameter value. The
// tolerance, |analytic - numeric| <= 2e-3 + 1e-2·max(|analytic|, |numeric|),
// absorbs float32 rounding (eps = 1e-2) but not a wrong formula.
func checkGradients(t *testing.T, c gradCase) {
	t.Helper()
	rng := rand.New(rand.NewSource(1))
	l := c.layer()
	useEngine(l, c.eng)
	out, err := l.Build(c.in)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	for _, p := range l.Params() {
		fillUniform(p.Value, 0.5, rng)
	}
	x := NewTensor(append([]int{c.batch}, c.in...)...)
	fillUniform(x.Data, 1, rng)
	if c.prep != nil {
		c.prep(l, x, rng)
	}
	y := NewTensor(append([]int{c.batch}, out...)...)
	r := NewTensor(y.Shape...)
	fillUniform(r.Data, 1, rng)
	dx := NewTensor(x.Shape...)
	forwardLoss(l, y, x, r)
	l.Backward(dx, r, x, y)

	const eps = 1e-2
	numeric := func(v []float32, i int) float64 {
		old := v[i]
		v[i] = old + eps
		lp := forwardLoss(l, y, x, r)
		v[i] = old - eps
		lm := forwardLoss(l, y, x, r)
		v[i] = old
		return (lp - lm) / (2 * eps)
	}
	compare := func(what string, v, grad []float32) {
		bad := 0
		for i := range v {
			a, n := float64(grad[i]), numeric(v, i)
			if !(math.Abs(a-n) <= 2e-3+1e-2*math.Max(math.Abs(a), math.Abs(n))) { // NaN fails too
				if bad++; bad <= 5 {
					t.Errorf("%s[%d]: backward %.6g, finite difference %.6g", what, i, a, n)
				}
			}
		}
	}
	analytic := make([][]float32, 0, 3)
	for _, p := range l.Params() {
		analytic = append(analytic, append([]float32(nil), p.Grad...))
	}
	compare("dx", x.Data, dx.Data)
	for i, p := range l.Params() {
		compare(p.Name, p.Value, analytic[i])
	}
	// Backward without dx must give the same parameter gradients.
	forwardLoss(l, y, x, r)
	l.Backward(nil, r, x, y)
	for i, p := range l.Params() {
		for j, g := range p.Grad {
			if d := math.Abs(float64(g - analytic[i][j])); !(d <= 1e-5*(1+math.Abs(float64(g)))) {
				t.Fatalf("%s[%d] with dx=nil: %g, with dx: %g", p.Name, j, g, analytic[i][j])
			}
		}
	}
}

// useEngine makes l compute with e, if it computes with an Engine.
func useEngine(l Layer, e Engine) {
	if u, ok := l.(engineUser); ok {
		u.setEngine(e)
	}
}

// testEngine returns the default engine with w workers and test knobs:
// Conv2D work items of about pixels output pixels (0: the default), and
// Conv2D's direct path ("direct") or im2col ("im2col"; "" keeps the
// default).
func testEngine(w, pixels int, path string) Engine {
	return Engine{Workers: w, opts: engineOptions{convBlockPixels: pixels, convDirectOff: path == "im2col"}}
}

// splitBias sets the first half of a layer's biases to +3 and the rest to
// -3 and shrinks its kernel, so every relu pre-activation is far from 0
// (both branches of relu' are exercised without crossing the kink).
func splitBias(l Layer, _ *Tensor, _ *rand.Rand) {
	ps := l.Params()
	for i := range ps[0].Value {
		ps[0].Value[i] *= 0.2
	}
	b := ps[1].Value
	for i := range b {
		b[i] = 3
		if i%2 == 1 {
			b[i] = -3
		}
	}
}

// spreadInput replaces x by a random permutation of well separated values,
// so no max-pooling window has a near tie that a finite difference could flip.
func spreadInput(_ Layer, x *Tensor, rng *rand.Rand) {
	for i, j := range rng.Perm(len(x.Data)) {
		x.Data[i] = float32(j)*0.1 - float32(len(x.Data))*0.05
	}
}

func TestSequentialGradients(t *testing.T) {
	// The layers chained by Sequential: every parameter's gradient of
	// L = Σ output·r against central differences.
	m, err := NewSequential([]int{9, 8, 2},
		NewConv2D(3, 3, 3, WithActivation("tanh"), WithPadding("same")),
		NewMaxPooling2D(2, 2),
		NewConv2D(4, 2, 2, WithActivation("sigmoid"), WithStrides(1, 2)),
		NewAveragePooling2D(2, 1, WithPadding("same")),
		NewFlatten(),
		NewDropout(0.3),
		NewDense(5, WithActivation("tanh")),
		NewDense(3, WithActivation("softmax")),
	)
	if err != nil {
		t.Fatal(err)
	}
	m.SetEngine(testEngine(0, 8, "")) // several blocks per image
	rng := rand.New(rand.NewSource(5))
	x := NewTensor(2, 9, 8, 2)
	spreadInput(nil, x, rng) // no near ties in max pooling
	for i := range x.Data {
		x.Data[i] *= 0.03
	}
	r := NewTensor(2, 3)
	fillUniform(r.Data, 1, rng)
	for _, p := range m.Params() {
		fillUniform(p.Value, 0.8, rng)
	}
	reseed := func() {
		for i, l := range m.Layers() {
			if s, ok := l.(Seeder); ok {
				s.Seed(int64(i))
			}
		}
	}
	eval := func() float64 {
		reseed() // the same dropout mask every time
		y := m.Forward(x, true)
		var s float64
		for i, v := range y.Data {
			s += float64(v) * float64(r.Data[i])
		}
		return s
	}
	eval()
	m.Backward(r)
	const eps = 1e-2
	for _, p := range m.Params() {
		g := append([]float32(nil), p.Grad...)
		for i := range p.Value {
			old := p.Value[i]
			p.Value[i] = old + eps
			lp := eval()
			p.Value[i] = old - eps
			lm := eval()
			p.Value[i] = old
			n := (lp - lm) / (2 * eps)
			if a := float64(g[i]); math.Abs(a-n) > 1e-3+1e-2*math.Max(math.Abs(a), math.Abs(n)) {
				t.Errorf("%s[%d]: backward %.6g, finite difference %.6g", p.Name, i, a, n)
			}
		}
	}
}
