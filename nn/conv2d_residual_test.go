package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"gonum.org/v1/gonum/blas/gonum"
)

// resFusionNet builds a small graph with residual Adds whose convolutions
// take every hooked path (Winograd, the padded direct path with and
// without column blocks, im2col with a non-sgemm BLAS), a shortcut that
// comes after the convolution in the order, activations that are a clamp
// (ReLU, Clip) or not (LeakyReLU), and an Add read twice (no activation
// fused).
func resFusionNet(t testing.TB) *Graph {
	g := NewGraph([]int{20, 20, 8})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	conv := func(in string, f, k, s, p int, act string) string {
		return add(NewConv2D(f, k, k, WithStrides(s, s), WithPads(p, p, p, p), WithActivation(act)), in)
	}
	h := conv(GraphInput, 32, 3, 1, 1, "relu")
	// Winograd (20×20, 32 channels), shortcut before, ReLU.
	r := conv(conv(h, 32, 3, 1, 1, "relu"), 32, 3, 1, 1, "linear")
	h = add(NewReLU(0, 0, 0), add(NewAdd(), r, h))
	// Padded direct 10×10×64, the 1×1/2 shortcut after it, LeakyReLU.
	r = conv(conv(h, 64, 3, 2, 1, "relu"), 64, 3, 1, 1, "linear")
	s := conv(h, 64, 1, 2, 0, "linear")
	h = add(NewLeakyReLU(0.1), add(NewAdd(), s, r))
	// Padded direct 5×5×128 (column blocks on two workers), Clip(0, 6),
	// shortcut first.
	s = conv(h, 128, 1, 2, 0, "linear")
	r = conv(conv(h, 128, 3, 2, 1, "relu"), 128, 3, 1, 1, "relu")
	h = add(NewClip(0, 6), add(NewAdd(), s, r))
	// An Add read by two nodes: no activation fused.
	r = conv(conv(h, 128, 3, 1, 1, "relu"), 128, 3, 1, 1, "linear")
	sum := add(NewAdd(), r, h)
	a := add(NewReLU(0, 0, 0), sum)
	add(NewGlobalAveragePooling2D(), add(NewAdd(), a, sum))
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	g.Init(3)
	rng := rand.New(rand.NewSource(4))
	for _, p := range g.Params() {
		if len(p.Shape) == 1 {
			fillUniform(p.Value, 0.1, rng)
		}
	}
	return g
}

// forwardBits runs x through g in inference mode and returns a copy of
// every node's output.
func forwardBits(g *Graph, x *Tensor) [][]float32 {
	g.Forward(x, false)
	outs := make([][]float32, len(g.order))
	for i, n := range g.order {
		outs[i] = append([]float32(nil), n.out.Data...)
	}
	return outs
}

// TestResidualFusionMatches checks that every node's output is bit for
// bit the same with the residual fusion as without (the same sums and
// activations on the same values), on every path, 1 and 2 workers,
// packed kernels or not, and that the hooked paths did compute the Adds
// in their items.
func TestResidualFusionMatches(t *testing.T) {
	defer func(v, w bool) { resFusion, resWinograd = v, w }(resFusion, resWinograd)
	resWinograd = true // cover the Winograd bands' hook too (off by default)
	engines := []Engine{{Workers: 1}, {Workers: 2}, {Workers: 2, PackWeights: true}, {Workers: 2, BLAS: gonum.Implementation{}}}
	for _, net := range []string{"small", "resnet18"} {
		if net == "resnet18" && testing.Short() {
			continue
		}
		var g *Graph
		var x *Tensor
		if net == "small" {
			g, x = resFusionNet(t), NewTensor(2, 20, 20, 8)
		} else {
			g, x = resNet18(t, false), NewTensor(1, 224, 224, 3)
		}
		fillUniform(x.Data, 1, rand.New(rand.NewSource(5)))
		fused := 0
		for _, n := range g.order {
			if n.resConv != nil {
				fused++
			}
		}
		if want := map[string]int{"small": 4, "resnet18": 8}[net]; fused != want {
			t.Fatalf("%s: %d Adds fused, expected %d", net, fused, want)
		}
		for _, e := range engines {
			if net == "resnet18" && !e.PackWeights { // the app's engine only: full size is slow under -race
				continue
			}
			t.Run(fmt.Sprintf("%s/workers=%d/pack=%v/blas=%s", net, e.Workers, e.PackWeights, e.GEMM()), func(t *testing.T) {
				g.SetEngine(e)
				resFusion = false
				want := forwardBits(g, x)
				resFusion = true
				got := forwardBits(g, x)
				for i, n := range g.order {
					for j := range want[i] {
						if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
							t.Fatalf("%s[%d] = %g fused, %g separate", n.name, j, got[i][j], want[i][j])
						}
					}
					// Shared im2col (column blocks, another BLAS) has no
					// hooked items: the Add runs on its own after it.
					if n.resConv == nil {
						continue
					}
					if c := n.resConv.layer.(*Conv2D); (e.BLAS == nil || c.cb == 1) && !c.res.done.Load() {
						t.Errorf("%s: the convolution's items did not compute the Add", n.name)
					}
				}
			})
		}
	}
}

// TestResidualFusionPlan checks which nodes the plan fuses: not an Add
// whose convolution has another reader, is a graph output or is fused
// with its activation already, nor in training or with fusion off.
func TestResidualFusionPlan(t *testing.T) {
	g := NewGraph([]int{8, 8, 16})
	c1, _ := g.Add(NewConv2D(16, 3, 3, WithPads(1, 1, 1, 1)), GraphInput)
	c2, _ := g.Add(NewConv2D(16, 3, 3, WithPads(1, 1, 1, 1)), c1)
	a1, _ := g.Add(NewAdd(), c1, c2) // c1 has two readers: c2 is fused
	r1, _ := g.Add(NewReLU(0, 0, 0), a1)
	c3, _ := g.Add(NewConv2D(16, 1, 1), r1)
	a2, _ := g.Add(NewAdd(), c3, r1) // c3's only reader: fused, but a2 is an output
	c4, _ := g.Add(NewConv2D(16, 1, 1), a2)
	r4, _ := g.Add(NewReLU(0, 0, 0), c4) // c4 fused with its ReLU (postact)
	a3, _ := g.Add(NewAdd(), r4, a2)
	g.SetOutputs(a2, a3)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	n := g.byName
	if n[a1].resConv != n[c2] || n[a1].resAct != n[r1] || !n[c2].resSkip || !n[r1].resSkip || n[c1].resSkip {
		t.Errorf("a1: resConv %v, resAct %v", n[a1].resConv, n[a1].resAct)
	}
	if n[a2].resConv != n[c3] || n[a2].resAct != nil {
		t.Errorf("a2: resConv %v, resAct %v (an output Add keeps its readers separate)", n[a2].resConv, n[a2].resAct)
	}
	if n[a3].resConv != nil {
		t.Errorf("a3 fused with %v; its inputs are an activation and an Add", n[a3].resConv.name)
	}
	x := NewTensor(1, 8, 8, 16)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(6)))
	g.Init(1)
	want := forwardBits(g, x)
	// Training passes run every node on its own (fusion is for inference).
	g.Forward(x, true)
	for i, nd := range g.order {
		for j, v := range nd.out.Data {
			if v != want[i][j] {
				t.Fatalf("training pass: %s[%d] = %g, inference %g", nd.name, j, v, want[i][j])
			}
		}
	}
	e := Engine{}
	e.opts.fuseOff = true
	g.SetEngine(e)
	if n[a1].resConv != nil {
		t.Errorf("fuseOff: a1 still fused")
	}
}

// TestAddClamp checks the fused sum and clamp against Add then clampTo, NaN
// and infinities included, at every length around the vector width.
func TestAddClamp(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for n := 0; n < 40; n++ {
		a, b := make([]float32, n), make([]float32, n)
		fillUniform(a, 8, rng)
		fillUniform(b, 8, rng)
		if n > 3 {
			a[1], b[2], a[3] = float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1))
		}
		for _, lim := range [][2]float32{{0, float32(math.Inf(1))}, {0, 6}, {-1, 2}} {
			sum, out, wantSum, wantOut := addClampAndWant(a, b, lim[0], lim[1])
			for i := range sum {
				if math.Float32bits(sum[i]) != math.Float32bits(wantSum[i]) || math.Float32bits(out[i]) != math.Float32bits(wantOut[i]) {
					t.Fatalf("n=%d %v [%d]: sum %g out %g, expected %g %g", n, lim, i, sum[i], out[i], wantSum[i], wantOut[i])
				}
			}
		}
	}
}

// addClampAndWant runs addClamp on a and b and returns its sum and
// clamped outputs beside add2's sum and clampTo's clamp of it.
func addClampAndWant(a, b []float32, lo, hi float32) (sum, out, wantSum, wantOut []float32) {
	n := len(a)
	sum, out = make([]float32, n), make([]float32, n)
	wantSum, wantOut = make([]float32, n), make([]float32, n)
	addClamp(sum, out, a, b, lo, hi)
	add2(wantSum, a, b)
	clampTo(wantOut, wantSum, lo, hi)
	return sum, out, wantSum, wantOut
}
