package nn

import (
	"math"
	"math/rand"
	"testing"
)

// TestGraphMergeReadsWrittenNodeTwice: a node h read first (in backward
// order) by a layer and then twice by one Concatenate. When the
// Concatenate's turn comes, h's gradient is already written, so each of
// its two inputs needs its own scratch buffer (graph_grads.go's target):
// sharing one buffer (h's accumulator) would keep only the second half of
// dL/d(cat) for both (an Add would not tell: its two input gradients are
// equal). The graph is linear, so the input gradient is checked against
// central differences with a tight tolerance: L = Σ out·r,
// out = Add(Concatenate(h, h), Dense(h)), h = Dense(x).
func TestGraphMergeReadsWrittenNodeTwice(t *testing.T) {
	g := NewGraph([]int{4})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	h := add(NewDense(3), GraphInput)
	m := add(NewConcatenate(), h, h) // after h, before the layer reader below
	a := add(NewDense(6), h)
	add(NewAdd(), m, a)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(7))
	for _, p := range g.Params() {
		fillUniform(p.Value, 0.8, rng)
	}
	x := NewTensor(2, 4)
	fillUniform(x.Data, 1, rng)
	r := NewTensor(2, 6)
	fillUniform(r.Data, 1, rng)
	loss := func() float64 {
		y := g.Forward(x, false)
		var s float64
		for i, v := range y.Data {
			s += float64(v) * float64(r.Data[i])
		}
		return s
	}
	loss()
	if err := g.BackwardWith(BackwardOptions{InputGrad: true}, r); err != nil {
		t.Fatal(err)
	}
	dx := g.Grad(GraphInput).Clone()
	const eps = 1e-2
	for i := range x.Data {
		old := x.Data[i]
		x.Data[i] = old + eps
		lp := loss()
		x.Data[i] = old - eps
		lm := loss()
		x.Data[i] = old
		want := (lp - lm) / (2 * eps)
		if got := float64(dx.Data[i]); math.Abs(got-want) > 1e-3*(1+math.Abs(want)) {
			t.Errorf("dL/dx[%d] = %.6g, central difference %.6g", i, got, want)
		}
	}
}
