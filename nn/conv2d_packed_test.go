package nn

import (
	"math"
	"math/rand"
	"testing"
)

// TestPackWeights runs convolutions on every path that multiplies with
// packed kernels (direct, padded direct, im2col, column blocks, fused
// pooling) with and without Engine.PackWeights and compares the outputs,
// then changes the weights (directly with WeightsChanged, by
// CopyWeightsFrom, and by a training step) and compares again: a stale
// packed kernel would give the old outputs.
func TestPackWeights(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []int
		filters int
		k       int
		opts    []Option
		pool    bool
	}{
		{"direct valid", []int{9, 9, 16}, 160, 3, nil, false},
		{"padded", []int{7, 7, 64}, 512, 3, []Option{WithPads(1, 1, 1, 1)}, false},
		{"strided im2col", []int{15, 15, 8}, 200, 3, []Option{WithStrides(2, 2), WithPads(1, 1, 1, 1)}, false},
		{"1x1 ragged", []int{6, 6, 24}, 70, 1, nil, false},
		{"fused pool", []int{12, 12, 16}, 192, 3, nil, true},
		{"large image", []int{40, 40, 8}, 136, 3, []Option{WithActivation("relu")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			build := func(pack bool) *Graph {
				g := NewGraph(tc.in)
				h, err := g.Add(NewConv2D(tc.filters, tc.k, tc.k, tc.opts...), GraphInput)
				if err != nil {
					t.Fatal(err)
				}
				if tc.pool {
					if _, err := g.Add(NewMaxPooling2D(2, 2), h); err != nil {
						t.Fatal(err)
					}
				}
				if err := g.Build(); err != nil {
					t.Fatal(err)
				}
				g.Init(3)
				g.SetEngine(Engine{PackWeights: pack, Workers: 2})
				return g
			}
			ref, got := build(false), build(true)
			x := NewTensor(append([]int{1}, tc.in...)...)
			fillUniform(x.Data, 1, rand.New(rand.NewSource(4)))
			check := func(step string) {
				t.Helper()
				want := ref.Forward(x, false).Clone()
				for rep := 0; rep < 2; rep++ { // packs, then reuses the packs
					out := got.Forward(x, false)
					for i, v := range want.Data {
						if d := math.Abs(float64(out.Data[i] - v)); d > 1e-4*(1+math.Abs(float64(v))) {
							t.Fatalf("%s, pass %d: element %d: %g with packed weights, %g without", step, rep, i, out.Data[i], v)
						}
					}
				}
			}
			check("initial")
			// Direct writes, announced.
			rng := rand.New(rand.NewSource(5))
			for _, p := range ref.Params() {
				fillUniform(p.Value, 0.3, rng)
			}
			for i, p := range got.Params() {
				copy(p.Value, ref.Params()[i].Value)
			}
			got.WeightsChanged()
			check("after WeightsChanged")
			// CopyWeightsFrom.
			fillUniform(ref.Params()[0].Value, 0.2, rng)
			if err := got.CopyWeightsFrom(ref); err != nil {
				t.Fatal(err)
			}
			check("after CopyWeightsFrom")
			// A training step: Backward, then the weights change.
			y := got.Forward(x, true)
			dy := NewTensor(y.Shape...)
			fillUniform(dy.Data, 1, rng)
			got.Backward(dy)
			for i, p := range got.Params() {
				for j := range p.Value {
					p.Value[j] -= 0.01 * p.Grad[j]
				}
				copy(ref.Params()[i].Value, p.Value)
			}
			check("after a training step")
		})
	}
}
