package nn

import (
	"math"
	"math/rand"
	"testing"
)

// layerCase is one finite-difference gradient check of a Layer or a
// MergeLayer, in training or inference mode.
type layerCase struct {
	name     string
	layer    func() LayerBase
	in       [][]int // per-sample input shapes (one for a Layer)
	batch    int
	training bool
	// prep adjusts weights and inputs after the random fill.
	prep func(l LayerBase, xs []*Tensor, rng *rand.Rand)
}

// runLayer builds nothing: it runs Forward (or ForwardMerge) and returns
// L = Σ y·r.
func runLayer(l LayerBase, y *Tensor, xs []*Tensor, r *Tensor, training bool) float64 {
	if s, ok := l.(Seeder); ok {
		s.Seed(7)
	}
	if m, ok := l.(MergeLayer); ok {
		m.ForwardMerge(y, xs, training)
	} else {
		l.(Layer).Forward(y, xs[0], training)
	}
	var sum float64
	for i, v := range y.Data {
		sum += float64(v) * float64(r.Data[i])
	}
	return sum
}

// checkLayerCase compares the layer's Backward with central differences of
// L = Σ y·r for every input and parameter value (tolerance as
// checkGradients).
func checkLayerCase(t *testing.T, c layerCase) {
	t.Helper()
	rng := rand.New(rand.NewSource(1))
	l := c.layer()
	var out []int
	var err error
	if m, ok := l.(MergeLayer); ok {
		out, err = m.BuildMerge(c.in)
	} else {
		out, err = l.(Layer).Build(c.in[0])
	}
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	for _, p := range l.Params() {
		fillUniform(p.Value, 0.5, rng)
	}
	xs := make([]*Tensor, len(c.in))
	for i, s := range c.in {
		xs[i] = NewTensor(append([]int{c.batch}, s...)...)
		fillUniform(xs[i].Data, 1, rng)
	}
	if c.prep != nil {
		c.prep(l, xs, rng)
	}
	y := NewTensor(append([]int{c.batch}, out...)...)
	r := NewTensor(y.Shape...)
	fillUniform(r.Data, 1, rng)
	dxs := make([]*Tensor, len(xs))
	for i, x := range xs {
		dxs[i] = NewTensor(x.Shape...)
		fillUniform(dxs[i].Data, 9, rng) // Backward must overwrite, not add
	}
	backward := func(dxs []*Tensor) {
		runLayer(l, y, xs, r, c.training)
		if m, ok := l.(MergeLayer); ok {
			m.BackwardMerge(dxs, r, xs, y)
		} else {
			l.(Layer).Backward(dxs[0], r, xs[0], y)
		}
	}
	backward(dxs)
	const eps = 1e-2
	numeric := func(v []float32, i int) float64 {
		old := v[i]
		v[i] = old + eps
		lp := runLayer(l, y, xs, r, c.training)
		v[i] = old - eps
		lm := runLayer(l, y, xs, r, c.training)
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
	var analytic [][]float32
	for _, p := range l.Params() {
		analytic = append(analytic, append([]float32(nil), p.Grad...))
	}
	for i, x := range xs {
		compare("dx"+string(rune('0'+i)), x.Data, dxs[i].Data)
	}
	for i, p := range l.Params() {
		compare(p.Name, p.Value, analytic[i])
	}
	// Without input gradients the weight gradients are the same.
	backward(make([]*Tensor, len(xs)))
	for i, p := range l.Params() {
		for j, g := range p.Grad {
			if d := math.Abs(float64(g - analytic[i][j])); !(d <= 1e-5*(1+math.Abs(float64(g)))) {
				t.Fatalf("%s[%d] without dx: %g, with dx: %g", p.Name, j, g, analytic[i][j])
			}
		}
	}
}

// awayFrom moves inputs closer than 0.05 to any of the kinks away from them,
// so a finite difference never straddles one.
func awayFrom(kinks ...float32) func(LayerBase, []*Tensor, *rand.Rand) {
	return func(_ LayerBase, xs []*Tensor, _ *rand.Rand) {
		for _, x := range xs {
			for i, v := range x.Data {
				for _, k := range kinks {
					if d := v - k; d > -0.05 && d < 0.05 {
						if d >= 0 {
							v = k + 0.05 + d
						} else {
							v = k - 0.05 + d
						}
					}
				}
				x.Data[i] = v
			}
		}
	}
}

// scaleInputs multiplies every input by s.
func scaleInputs(s float32) func(LayerBase, []*Tensor, *rand.Rand) {
	return func(_ LayerBase, xs []*Tensor, _ *rand.Rand) {
		for _, x := range xs {
			for i := range x.Data {
				x.Data[i] *= s
			}
		}
	}
}

func then(fs ...func(LayerBase, []*Tensor, *rand.Rand)) func(LayerBase, []*Tensor, *rand.Rand) {
	return func(l LayerBase, xs []*Tensor, rng *rand.Rand) {
		for _, f := range fs {
			f(l, xs, rng)
		}
	}
}

func TestGraphLayerGradients(t *testing.T) {
	img := [][]int{{4, 5, 3}}
	bnStats := func(l LayerBase, xs []*Tensor, rng *rand.Rand) {
		for _, p := range l.(Stateful).State() {
			fillUniform(p.Value, 0.5, rng)
		}
		mv := l.(Stateful).State()[1].Value
		for i := range mv {
			mv[i] += 1 // positive variances
		}
	}
	cases := []layerCase{
		{name: "Add", layer: func() LayerBase { return NewAdd() }, in: [][]int{{3, 4, 2}, {3, 4, 2}, {3, 4, 2}}, batch: 2},
		{name: "Concatenate", layer: func() LayerBase { return NewConcatenate() }, in: [][]int{{3, 4, 2}, {3, 4, 5}}, batch: 2},
		{name: "ConcatenateVectors", layer: func() LayerBase { return NewConcatenate() }, in: [][]int{{3}, {1}, {2}}, batch: 3},
		{name: "BatchNormalizationTraining", layer: func() LayerBase { return NewBatchNormalization() }, in: img, batch: 2, training: true, prep: bnStats},
		{name: "BatchNormalizationInference", layer: func() LayerBase { return NewBatchNormalization(WithEpsilon(1e-5)) }, in: img, batch: 2, prep: bnStats},
		{name: "BatchNormalizationVector", layer: func() LayerBase { return NewBatchNormalization() }, in: [][]int{{6}}, batch: 4, training: true, prep: bnStats},
		{name: "ReLU", layer: func() LayerBase { return NewReLU(0, 0, 0) }, in: img, batch: 2, prep: awayFrom(0)},
		{name: "ReLU6", layer: func() LayerBase { return NewReLU(6, 0, 0) }, in: img, batch: 2, prep: then(scaleInputs(8), awayFrom(0, 6))},
		{name: "ReLUFull", layer: func() LayerBase { return NewReLU(1.5, 0.1, 0.25) }, in: img, batch: 2, prep: then(scaleInputs(2), awayFrom(0.25, 1.5))},
		{name: "LeakyReLU", layer: func() LayerBase { return NewLeakyReLU(0.3) }, in: img, batch: 2, prep: awayFrom(0)},
		{name: "Clip", layer: func() LayerBase { return NewClip(-0.5, 0.7) }, in: img, batch: 2, prep: awayFrom(-0.5, 0.7)},
		{name: "HardSigmoid", layer: func() LayerBase { return NewHardSigmoid(0.2, 0.5) }, in: img, batch: 2, prep: then(scaleInputs(5), awayFrom(-2.5, 2.5))},
		{name: "HardSwish", layer: func() LayerBase { return NewHardSwish() }, in: img, batch: 2, prep: then(scaleInputs(5), awayFrom(-3, 3))},
		{name: "Rescaling", layer: func() LayerBase { return NewRescaling(1.0/255, -0.5) }, in: img, batch: 2},
		{name: "Identity", layer: func() LayerBase { return NewIdentity() }, in: img, batch: 2},
		{name: "ActivationReLU6", layer: func() LayerBase { return NewActivation("relu6") }, in: img, batch: 2, prep: then(scaleInputs(8), awayFrom(0, 6))},
		{name: "Softmax", layer: func() LayerBase { return NewSoftmax() }, in: [][]int{{2, 2, 4}}, batch: 2},
		{name: "Reshape", layer: func() LayerBase { return NewReshape([]int{-1, 3}) }, in: img, batch: 2},
		{name: "ZeroPadding2D", layer: func() LayerBase { return NewZeroPadding2D(1, 2, 0, 3) }, in: img, batch: 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { checkLayerCase(t, c) })
	}
}

func TestPointwiseValues(t *testing.T) {
	x := []float32{-4, -1, -0.25, 0, 0.5, 2, 7}
	for _, tc := range []struct {
		name  string
		layer Layer
		want  []float64
	}{
		{"ReLU", NewReLU(0, 0, 0), []float64{0, 0, 0, 0, 0.5, 2, 7}},
		{"ReLU6", NewReLU(6, 0, 0), []float64{0, 0, 0, 0, 0.5, 2, 6}},
		{"ReLUFull", NewReLU(1.5, 0.1, 0.25), []float64{-0.425, -0.125, -0.05, -0.025, 0.5, 1.5, 1.5}},
		{"LeakyReLU", NewLeakyReLU(0.3), []float64{-1.2, -0.3, -0.075, 0, 0.5, 2, 7}},
		{"Clip", NewClip(-0.5, 0.7), []float64{-0.5, -0.5, -0.25, 0, 0.5, 0.7, 0.7}},
		{"HardSigmoid", NewHardSigmoid(0.2, 0.5), []float64{0, 0.3, 0.45, 0.5, 0.6, 0.9, 1}},
		{"HardSwish", NewHardSwish(), []float64{0, -1.0 / 3, -0.25 * (0.5 - 0.25/6), 0, 0.5 * (0.5 + 0.5/6), 2 * (0.5 + 2.0/6), 7}},
		{"Rescaling", NewRescaling(0.5, -1), []float64{-3, -1.5, -1.125, -1, -0.75, 0, 2.5}},
		{"Identity", NewIdentity(), []float64{-4, -1, -0.25, 0, 0.5, 2, 7}},
		{"ActivationReLU6", NewActivation("relu6"), []float64{0, 0, 0, 0, 0.5, 2, 6}},
	} {
		if _, err := tc.layer.Build([]int{len(x)}); err != nil {
			t.Fatal(err)
		}
		in := &Tensor{Shape: []int{1, len(x)}, Data: x}
		y := NewTensor(1, len(x))
		tc.layer.Forward(y, in, false)
		for i, v := range y.Data {
			if math.Abs(float64(v)-tc.want[i]) > 1e-6 {
				t.Errorf("%s(%g) = %g, expected %g", tc.name, x[i], v, tc.want[i])
			}
		}
	}
}

func TestBatchNormalizationMovingStatistics(t *testing.T) {
	// Training uses the batch's mean and (biased) variance and moves the
	// moving statistics by 1 - momentum towards them (Keras); inference uses
	// the moving ones.
	b := NewBatchNormalization(WithMomentum(0.9), WithEpsilon(0.01))
	if _, err := b.Build([]int{2}); err != nil {
		t.Fatal(err)
	}
	x := &Tensor{Shape: []int{4, 2}, Data: []float32{1, 10, 2, 10, 3, 10, 6, 14}} // channel 0: mean 3, var 3.5; channel 1: mean 11, var 3
	y := NewTensor(4, 2)
	b.Forward(y, x, true)
	mm, mv := b.State()[0].Value, b.State()[1].Value
	for i, want := range []float64{0.3, 1.1, 0.9 + 0.1*3.5, 0.9 + 0.1*3} {
		got := []float32{mm[0], mm[1], mv[0], mv[1]}[i]
		if math.Abs(float64(got)-want) > 1e-6 {
			t.Errorf("moving statistic %d = %g, expected %g", i, got, want)
		}
	}
	if want := (1 - 3) / math.Sqrt(3.5+0.01); math.Abs(float64(y.Data[0])-want) > 1e-5 {
		t.Errorf("training output %g, expected %g", y.Data[0], want)
	}
	b.Params()[0].Value[1], b.Params()[1].Value[1] = 2, 0.5 // gamma, beta of channel 1
	b.Forward(y, x, false)
	if want := 2*(10-1.1)/math.Sqrt(0.9+0.1*3+0.01) + 0.5; math.Abs(float64(y.Data[1])-want) > 1e-5 {
		t.Errorf("inference output %g, expected %g", y.Data[1], want)
	}
}
