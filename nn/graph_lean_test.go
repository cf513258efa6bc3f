package nn

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// TestPredictBuffers: Graph.Predict, which computes into reused buffers
// (graph_lean.go), gives bit for bit the outputs of Forward on graphs with
// every fused path (conv + pool, conv + activation node, residual Add with
// and without its activation, Concatenate, squeeze-excitation), on one and
// two workers, with fusion on and off; nodes alive at the same step never
// share memory; Forward afterwards keeps every node's output again, in the
// same tensors as before.
func TestPredictBuffers(t *testing.T) {
	graphs := []struct {
		name  string
		build func(testing.TB) *Graph
	}{
		{"branchy", branchyGraph},
		{"residual", resFusionNet},
		{"se", seBlock},
		{"mobilenetv2", mobileNetV2},
	}
	for _, tc := range graphs {
		for _, workers := range []int{1, 2} {
			for _, fusion := range []bool{true, false} {
				name := tc.name + map[bool]string{true: "/fused", false: "/unfused"}[fusion]
				if tc.name == "mobilenetv2" && (workers == 1 || !fusion) {
					continue // one 224×224 configuration is enough
				}
				t.Run(name+map[int]string{1: "/1", 2: "/2"}[workers], func(t *testing.T) {
					defer func(a, r bool) { actFusion, resFusion = a, r }(actFusion, resFusion)
					actFusion, resFusion = fusion, fusion
					g := tc.build(t)
					g.SetEngine(Engine{PackWeights: true, Workers: workers})
					checkPredict(t, g, tc.name != "mobilenetv2")
				})
			}
		}
	}
}

// checkPredict compares Predict with Forward on g; all: batch sizes 1, 2,
// 1 and two images each (else one image: MobileNetV2 at 224×224 is slow
// under -race).
func checkPredict(t *testing.T, g *Graph, all bool) {
	t.Helper()
	rng := rand.New(rand.NewSource(7))
	batches, rounds := []int{1, 2, 1}, 2
	if !all {
		batches, rounds = []int{1}, 1
	}
	for _, batch := range batches {
		x := NewTensor(append([]int{batch}, g.InputShape()...)...)
		for round := 0; round < rounds; round++ {
			fillUniform(x.Data, 1, rng)
			want := forwardBits(g, x)
			kept := make([]*Tensor, len(g.order))
			for i, n := range g.order {
				kept[i] = n.out
			}
			y := g.Predict(x)
			if !slices.Equal(y.Data, want[slices.Index(g.order, g.outs[0])]) {
				t.Fatalf("batch %d: Predict's output differs from Forward's", batch)
			}
			for i, n := range g.order {
				if n.isOutput && !slices.Equal(n.out.Data, want[i]) {
					t.Fatalf("batch %d: output %s differs", batch, n.name)
				}
				if got := g.Output(n.name); !n.isOutput && got != nil {
					t.Fatalf("after Predict, Output(%s) = %v, expected nil", n.name, got.Shape)
				}
			}
			if err := g.BackwardWith(BackwardOptions{}, y); err == nil || !strings.Contains(err.Error(), "call Forward first") {
				t.Fatalf("BackwardWith after Predict: %v, expected \"call Forward first\"", err)
			}
			checkLeanPlan(t, g)
			if got := forwardBits(g, x); !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("batch %d: Forward after Predict differs", batch)
			}
			for i, n := range g.order {
				if n.out != kept[i] || g.Output(n.name) != kept[i] {
					t.Fatalf("Forward after Predict: %s's output is not its kept tensor", n.name)
				}
			}
		}
	}
}

// checkLeanPlan checks that nodes whose buffers are held at the same step
// use disjoint memory, and that Predict needs less memory than Forward.
func checkLeanPlan(t *testing.T, g *Graph) {
	t.Helper()
	p := g.lean
	last := slices.Clone(p.exec)
	kept := 0
	for i, n := range g.order {
		kept += arenaStep(len(p.kept[i].Data))
		if n.isOutput {
			last[i] = len(g.order)
		}
		for _, src := range n.in {
			if src != g.inNode {
				j := p.pos[src]
				last[j] = max(last[j], p.exec[i])
			}
		}
	}
	span := func(t *Tensor) (uintptr, uintptr) {
		a := uintptr(unsafe.Pointer(unsafe.SliceData(t.Data)))
		return a, a + uintptr(len(t.Data))*4
	}
	for i := range g.order {
		for j := i + 1; j < len(g.order); j++ {
			if p.first[i] > last[j] || p.first[j] > last[i] {
				continue // never alive together
			}
			a0, a1 := span(p.lean[i])
			b0, b1 := span(p.lean[j])
			if a0 < b1 && b0 < a1 {
				t.Fatalf("%s (steps %d–%d) and %s (%d–%d) share memory", g.order[i].name, p.first[i], last[i], g.order[j].name, p.first[j], last[j])
			}
		}
	}
	if len(g.order) > 8 && p.floats >= kept {
		t.Errorf("Predict's buffers hold %d values, Forward's %d: nothing reused", p.floats, kept)
	}
}
