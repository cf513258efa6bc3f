package nn

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"
)

// postActCase is a convolution followed by an element-wise activation node.
type postActCase struct {
	name    string
	in      []int
	conv    func() *Conv2D
	act     func() Layer
	workers int
	pixels  int // engine block pixels (0: default)
}

var postActCases = []postActCase{
	{"1x1/silu", []int{9, 7, 16}, func() *Conv2D { return NewConv2D(24, 1, 1) }, func() Layer { return NewSiLU() }, 1, 0},
	{"1x1/silu/2workers", []int{14, 14, 32}, func() *Conv2D { return NewConv2D(96, 1, 1) }, func() Layer { return NewSiLU() }, 2, 0},
	{"1x1/hardswish/3workers/smallblocks", []int{11, 5, 8}, func() *Conv2D { return NewConv2D(20, 1, 1) }, func() Layer { return NewHardSwish() }, 3, 7},
	{"1x1/wide/2workers", []int{3, 3, 64}, func() *Conv2D { return NewConv2D(1152, 1, 1) }, func() Layer { return NewSiLU() }, 2, 0},
	{"dw3x3/s1/silu", []int{10, 9, 24}, func() *Conv2D { return NewConv2D(24, 3, 3, WithGroups(24), WithPads(1, 1, 1, 1)) }, func() Layer { return NewSiLU() }, 2, 0},
	{"dw3x3/s2/hardswish", []int{11, 12, 16}, func() *Conv2D {
		return NewConv2D(16, 3, 3, WithGroups(16), WithStrides(2, 2), WithPads(1, 1, 1, 1))
	}, func() Layer { return NewHardSwish() }, 1, 0},
	{"dw5x5/s2/silu", []int{13, 12, 40}, func() *Conv2D {
		return NewConv2D(40, 5, 5, WithGroups(40), WithStrides(2, 2), WithPads(2, 2, 2, 2))
	}, func() Layer { return NewSiLU() }, 2, 0},
	{"3x3s2/im2col/relu6", []int{15, 15, 3}, func() *Conv2D {
		return NewConv2D(16, 3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1))
	}, func() Layer { return NewReLU(6, 0, 0) }, 2, 0},
	{"3x3s1/winograd (no items)/silu", []int{28, 28, 16}, func() *Conv2D { return NewConv2D(16, 3, 3, WithPadding("same")) }, func() Layer { return NewSiLU() }, 2, 0},
	{"3x3s2/shared im2col (no items)/silu", []int{7, 7, 64}, func() *Conv2D {
		return NewConv2D(512, 3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1))
	}, func() Layer { return NewSiLU() }, 2, 0},
	{"3x3/valid/relu/act", []int{9, 9, 8}, func() *Conv2D { return NewConv2D(8, 3, 3, WithActivation("relu")) }, func() Layer { return NewClip(0.1, 0.5) }, 1, 0},
	{"1x1/odd channels/hardswish", []int{5, 6, 5}, func() *Conv2D { return NewConv2D(13, 1, 1) }, func() Layer { return NewHardSwish() }, 2, 0},
	{"1x1/identity", []int{4, 4, 8}, func() *Conv2D { return NewConv2D(8, 1, 1) }, func() Layer { return NewIdentity() }, 1, 0},
	// Several row blocks of several rows each: a work item's first row is
	// (block mod blocks)·rows (conv2d_postact.go's actItem).
	{"3x3/row blocks of several rows/relu6", []int{18, 18, 8}, func() *Conv2D { return NewConv2D(8, 3, 3) }, func() Layer { return NewReLU(6, 0, 0) }, 1, 48},
	{"1x1/row blocks of several rows/hardswish/2workers", []int{16, 16, 8}, func() *Conv2D { return NewConv2D(12, 1, 1) }, func() Layer { return NewHardSwish() }, 2, 48},
}

// TestConvActivationFusion runs each convolution + activation pair as a
// graph with the fusion and without it and compares both nodes' outputs:
// the fused pass must leave the convolution's output (the grid's) and the
// activation's exactly where Graph.Output finds them. Training passes never
// fuse, and a convolution read by two nodes is not paired.
func TestConvActivationFusion(t *testing.T) {
	for _, tc := range postActCases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewGraph(tc.in)
			cn, err := g.Add(tc.conv(), GraphInput)
			if err != nil {
				t.Fatal(err)
			}
			an, err := g.Add(tc.act(), cn)
			if err != nil {
				t.Fatal(err)
			}
			g.SetOutputs(an)
			if err := g.Build(); err != nil {
				t.Fatal(err)
			}
			g.Init(3)
			rng := rand.New(rand.NewSource(7))
			for _, p := range g.Params() {
				fillUniform(p.Value, 0.5, rng)
			}
			g.SetEngine(testEngine(tc.workers, tc.pixels, ""))
			if g.byName[cn].actInto == nil {
				t.Fatalf("%s is not paired with %s", cn, an)
			}
			x := NewTensor(2, tc.in[0], tc.in[1], tc.in[2])
			fillUniform(x.Data, 3, rng)
			run := func(fused, training bool) (z, a []float32) {
				t.Helper()
				defer func(v bool) { actFusion = v }(actFusion)
				actFusion = fused
				for _, name := range []string{cn, an} { // every value must be written
					if o := g.Output(name); o != nil {
						for i := range o.Data {
							o.Data[i] = float32(math.NaN())
						}
					}
				}
				g.Forward(x, training)
				return append([]float32(nil), g.Output(cn).Data...), append([]float32(nil), g.Output(an).Data...)
			}
			for _, training := range []bool{false, true} {
				wz, wa := run(false, training)
				z, a := run(true, training)
				done := g.byName[cn].layer.(*Conv2D).pa.done.Load()
				if want := !strings.Contains(tc.name, "no items"); !training && done != want {
					t.Errorf("the convolution's items computed the activation: %v, expected %v", done, want)
				}
				compareFused(t, fmt.Sprintf("training=%v %s", training, cn), z, wz)
				compareFused(t, fmt.Sprintf("training=%v %s", training, an), a, wa)
			}
		})
	}
}

func compareFused(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i, v := range got {
		// SiLU's assembly and scalar tails agree within 2 ulps.
		if e := want[i]; !(math.Abs(float64(v-e)) <= 1e-6*max(1, math.Abs(float64(e)))) {
			t.Fatalf("%s[%d] = %g, expected %g (unfused)", what, i, v, e)
		}
	}
}

// TestConvActivationFusionPlan pairs a convolution with its activation
// only when the activation is its sole reader, and not with fusion off.
func TestConvActivationFusionPlan(t *testing.T) {
	g := NewGraph([]int{6, 6, 8})
	c1, _ := g.Add(NewConv2D(8, 1, 1), GraphInput)
	a1, _ := g.Add(NewSiLU(), c1)
	a2, _ := g.Add(NewHardSwish(), c1) // c1 has two readers
	c2, _ := g.Add(NewConv2D(8, 1, 1), a1)
	a3, _ := g.Add(NewSiLU(), c2)
	s, _ := g.Add(NewAdd(), a2, a3)
	g.SetOutputs(s)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	if g.byName[c1].actInto != nil {
		t.Errorf("%s has two readers but is paired", c1)
	}
	if g.byName[c2].actInto != g.byName[a3] || g.byName[a3].actFrom != g.byName[c2] {
		t.Errorf("%s is not paired with %s", c2, a3)
	}
	g.SetEngine(Engine{opts: engineOptions{fuseOff: true}})
	if g.byName[c2].actInto != nil {
		t.Errorf("fusion off, but %s is paired", c2)
	}
}
