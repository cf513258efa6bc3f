package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestResidualFusionActivations runs conv → conv → Add(·, shortcut) →
// activation with every kind of activation node the fusion takes: ReLU
// as a clamp (plain, with max_value) and not (a negative slope or a
// threshold: then not min(max(x, lo), hi)), LeakyReLU, Clip, on the padded
// direct path (12×12; 40×40, Winograd off, in several row blocks; 6×6 with 128 filters
// in column blocks on two workers) and on the Winograd path with its band
// hook (16×16, 32×32 in several bands; resWinograd), one and two workers. Before the fused pass every
// node's output is filled with NaN, so each value must be written by this
// pass: bit for bit those of the separate layers.
func TestResidualFusionActivations(t *testing.T) {
	defer func(v, w bool) { resFusion, resWinograd = v, w }(resFusion, resWinograd)
	resWinograd = true
	acts := []struct {
		name string
		make func() Layer
	}{
		{"relu", func() Layer { return NewReLU(0, 0, 0) }},
		{"relu max 0.5", func() Layer { return NewReLU(0.5, 0, 0) }},
		{"relu slope 0.1", func() Layer { return NewReLU(0, 0.1, 0) }},
		{"relu threshold 0.2", func() Layer { return NewReLU(0, 0, 0.2) }},
		{"leaky relu", func() Layer { return NewLeakyReLU(0.2) }},
		{"clip", func() Layer { return NewClip(-0.3, 0.4) }},
	}
	for _, shape := range []struct {
		size, f int
		winoOff bool // the engine's winogradOff
		tile    int  // the Winograd tile expected (0: the direct path)
	}{{12, 16, false, 0}, {16, 16, false, 2}, {40, 16, true, 0}, {32, 16, false, 2}, {6, 128, false, 0}} {
		size, f := shape.size, shape.f
		for _, a := range acts {
			g := NewGraph([]int{size, size, 16})
			add := func(l LayerBase, in ...string) string {
				name, err := g.Add(l, in...)
				if err != nil {
					t.Fatal(err)
				}
				return name
			}
			h := add(NewConv2D(f, 3, 3, WithPadding("same"), WithActivation("relu")), GraphInput)
			r := add(NewConv2D(f, 3, 3, WithPadding("same")), h)
			sum := add(NewAdd(), r, h)
			add(a.make(), sum)
			if err := g.Build(); err != nil {
				t.Fatal(err)
			}
			g.Init(2)
			for _, p := range g.Params() {
				if len(p.Shape) == 1 {
					fillUniform(p.Value, 0.3, rand.New(rand.NewSource(3)))
				}
			}
			if n := g.byName[sum]; n.resConv == nil || n.resAct == nil {
				t.Fatalf("%s: the Add and its activation are not fused", a.name)
			}
			x := NewTensor(2, size, size, 16)
			fillUniform(x.Data, 1, rand.New(rand.NewSource(4)))
			for _, w := range []int{1, 2} {
				name := fmt.Sprintf("%d×%d×%d/%s/workers=%d", size, size, f, a.name, w)
				e := Engine{Workers: w}
				e.opts.winogradOff = shape.winoOff
				g.SetEngine(e)
				resFusion = false
				want := forwardBits(g, x)
				for _, n := range g.order {
					for i := range n.out.Data {
						n.out.Data[i] = float32(math.NaN())
					}
				}
				resFusion = true
				got := forwardBits(g, x)
				conv := g.byName[sum].resConv.layer.(*Conv2D)
				if !conv.res.done.Load() {
					t.Errorf("%s: the convolution's items did not compute the Add", name)
				}
				if wt := conv.winoTile(false); wt != shape.tile {
					t.Errorf("%s: the convolution takes F(%d)", name, wt)
				}
				for i, n := range g.order {
					for j := range want[i] {
						if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
							t.Fatalf("%s: %s[%d] = %g fused, %g separate", name, n.name, j, got[i][j], want[i][j])
						}
					}
				}
			}
		}
	}
}

// TestAddClampSignedZero checks that the fused sum and clamp keep a −0
// sum (−0 + −0) as Add then clampTo do: −0 is neither below a lower bound
// of 0 nor above an upper bound of 0, so it is not replaced by +0; and a
// sum equal to the upper bound stays. Lengths 1–9: the Go loop alone and
// the tail after 8 in assembly.
func TestAddClampSignedZero(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	for _, lim := range [][2]float32{{0, 6}, {-1, 0}} {
		for n := 1; n <= 9; n++ {
			a, b := make([]float32, n), make([]float32, n)
			for i := range a {
				a[i], b[i] = negZero, negZero
			}
			if n > 1 {
				a[0], b[0] = 4, 2 // 6: above or at the upper bound
			}
			sum, out, wantSum, wantOut := addClampAndWant(a, b, lim[0], lim[1])
			for i := range sum {
				if math.Float32bits(out[i]) != math.Float32bits(wantOut[i]) || math.Float32bits(sum[i]) != math.Float32bits(wantSum[i]) {
					t.Errorf("%v, n=%d [%d]: sum %g out %g (sign %v), expected %g %g (sign %v)", lim, n, i, sum[i], out[i],
						math.Signbit(float64(out[i])), wantSum[i], wantOut[i], math.Signbit(float64(wantOut[i])))
				}
			}
			if n < 8 && !math.Signbit(float64(out[n-1])) {
				t.Errorf("%v, n=%d: −0 + −0 clamped gave +0", lim, n)
			}
		}
	}
}
