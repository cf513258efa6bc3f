package nn

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestPredictResidualPWGroups: a residual Add read by a ReLU node, whose
// 1×1 projection (f filters on an h×w map of f channels, after a 1×1
// expansion) is cut by the
// 1×1 path into several column groups: each item computes the Add and the
// ReLU for its own channels only (pointwiseItemRes' per-pixel loop with an
// activation, which invertedResidual's 32 filters never reach). Predict
// must give Forward's output bit for bit; the larger maps are cut into
// several pixel chunks too (item/chunks).
func TestPredictResidualPWGroups(t *testing.T) {
	for _, tc := range []struct{ h, w, f int }{{12, 12, 128}, {11, 13, 256}, {24, 24, 128}, {23, 25, 64}} {
		for _, workers := range []int{1, 2} {
			t.Run(fmt.Sprintf("%dx%dx%d/workers=%d", tc.h, tc.w, tc.f, workers), func(t *testing.T) {
				g := NewGraph([]int{tc.h, tc.w, tc.f})
				add := func(l LayerBase, in ...string) string {
					name, err := g.Add(l, in...)
					if err != nil {
						t.Fatal(err)
					}
					return name
				}
				e := add(NewConv2D(tc.f, 1, 1, WithActivation("relu6")), GraphInput)
				p := add(NewConv2D(tc.f, 1, 1, WithName("project")), e)
				g.SetOutputs(add(NewReLU(0, 0, 0), add(NewAdd(), p, GraphInput)))
				if err := g.Build(); err != nil {
					t.Fatal(err)
				}
				rng := rand.New(rand.NewSource(8))
				for _, q := range g.Params() {
					fillUniform(q.Value, 0.3, rng)
				}
				g.SetEngine(Engine{Workers: workers, PackWeights: true})
				checkPredict(t, g, true)
				x := NewTensor(append([]int{1}, g.InputShape()...)...)
				fillUniform(x.Data, 1, rand.New(rand.NewSource(9)))
				g.Predict(x)
				c := g.byName["project"].layer.(*Conv2D)
				fused := false
				for _, n := range g.order {
					fused = fused || n.resAct != nil
				}
				if !c.pointwiseOK() || !c.res.done.Load() || !fused {
					t.Fatalf("1×1 path %v, Add computed by its items %v, with the ReLU %v; expected all three", c.pointwiseOK(), c.res.done.Load(), fused)
				}
				if workers == 2 && c.pw.groups < 2 && c.pw.chunks < 2 {
					t.Errorf("%d column group, %d chunk: the case is not exercised", c.pw.groups, c.pw.chunks)
				}
			})
		}
	}
}
