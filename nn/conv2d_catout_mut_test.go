package nn

import (
	"fmt"
	"math/rand"
	"testing"
)

// catWideGraph is a 1×1 convolution of f filters (the 1×1 path) and a
// padded 3×3 of 16 (Winograd) on an h×w×cin map, joined by a Concatenate
// that is the graph's output.
func catWideGraph(t *testing.T, h, w, cin, f int) *Graph {
	g := NewGraph([]int{h, w, cin})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	relu := WithActivation("relu")
	e1 := add(NewConv2D(f, 1, 1, relu, WithName("e1")), GraphInput)
	e3 := add(NewConv2D(16, 3, 3, relu, WithPadding("same"), WithName("e3")), GraphInput)
	g.SetOutputs(add(NewConcatenate(), e3, e1))
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(5))
	for _, p := range g.Params() {
		fillUniform(p.Value, 0.5, rng)
	}
	return g
}

// TestPredictConcatIntoChunks: the 1×1 path's items written in place at a
// channel offset when an image is cut into several pixel chunks and the
// filters into several column groups (and a last tile of fewer pixels):
// Predict's output is bit for bit Forward's. fireGraph's expand has one
// chunk and one group, where item/chunks and item·chunks, or grp·gw and
// grp/gw, agree; packed and plain kernels (pw.kp[j·cin:] at j > 0).
func TestPredictConcatIntoChunks(t *testing.T) {
	for _, tc := range []struct{ h, w, cin, f int }{
		{13, 11, 64, 128}, {20, 19, 64, 64}, {12, 12, 16, 256},
	} {
		for _, w := range []int{1, 2} {
			for _, pack := range []bool{false, true} {
				t.Run(fmt.Sprintf("%dx%dx%d-%d/workers=%d/pack=%v", tc.h, tc.w, tc.cin, tc.f, w, pack), func(t *testing.T) {
					g := catWideGraph(t, tc.h, tc.w, tc.cin, tc.f)
					g.SetEngine(Engine{Workers: w, PackWeights: pack})
					checkPredict(t, g, true)
					for i, n := range g.order {
						if s := g.lean.cat[i]; n.name == "e1" && (s == nil || s.cat == nil || !s.wrote) {
							t.Fatal("e1 was not written in place")
						}
					}
					c := g.byName["e1"].layer.(*Conv2D)
					if w == 2 && c.pw.groups < 2 && c.pw.chunks < 2 {
						t.Errorf("one chunk (%d) and one group (%d): the case is not exercised", c.pw.chunks, c.pw.groups)
					}
				})
			}
		}
	}
}

// TestPredictConcatIntoWinogradBlocks: a padded 3×3 of 128 filters (the
// Winograd path) read only by a Concatenate, one 16×16 image on two
// workers, whose items are cut into column blocks of filters
// (winogradItemCat's j0 > 0: item/cb, item%cb·cw, cw = j1 - j0): Predict
// writes it in place, bit for bit Forward's output.
func TestPredictConcatIntoWinogradBlocks(t *testing.T) {
	for _, w := range []int{1, 2} {
		g := NewGraph([]int{16, 16, 16})
		e1, _ := g.Add(NewConv2D(32, 1, 1, WithActivation("relu"), WithName("e1")), GraphInput)
		e3, _ := g.Add(NewConv2D(128, 3, 3, WithActivation("relu"), WithPadding("same"), WithName("e3")), GraphInput)
		c, _ := g.Add(NewConcatenate(), e1, e3)
		g.SetOutputs(c)
		if err := g.Build(); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewSource(11))
		for _, p := range g.Params() {
			fillUniform(p.Value, 0.5, rng)
		}
		g.SetEngine(Engine{Workers: w})
		checkPredict(t, g, true)
		x := NewTensor(1, 16, 16, 16)
		fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
		want := forwardBits(g, x)
		got := g.Predict(x)
		if !bitEqual(got.Data, want[len(want)-1]) {
			t.Fatalf("workers=%d: Predict's output differs from Forward's", w)
		}
		for i, n := range g.order {
			if s := g.lean.cat[i]; n.name == "e3" && (s == nil || !s.wrote) {
				t.Fatal("e3 was not written in place")
			}
		}
		if cb := g.byName["e3"].layer.(*Conv2D).wino.cb; w == 2 && cb < 2 {
			t.Errorf("e3: %d column block of Winograd items: the case is not exercised", cb)
		}
	}
}
