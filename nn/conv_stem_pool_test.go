package nn

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"
)

// stemPoolNet builds input (h, w, 3) → Conv2D(f, k×k, stride cs, pad cp,
// act) → MaxPooling2D(3×3, stride ps, pads pp), then with tail a
// Conv2D(16, 1×1); the last node is the graph's output. Weights and
// biases are random.
func stemPoolNet(t testing.TB, h, w, f, k, cs, cp, ps int, pp [4]int, act string, bias, tail bool) *Graph {
	g := NewGraph([]int{h, w, 3})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	s := add(NewConv2D(f, k, k, WithStrides(cs, cs), WithPads(cp, cp, cp, cp), WithActivation(act), WithUseBias(bias)), GraphInput)
	p := add(NewMaxPooling2D(3, 3, WithStrides(ps, ps), WithPads(pp[0], pp[1], pp[2], pp[3])), s)
	if tail {
		add(NewConv2D(16, 1, 1), p)
	}
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	g.Init(5)
	rng := rand.New(rand.NewSource(6))
	for _, q := range g.Params() {
		if len(q.Shape) == 1 {
			fillUniform(q.Value, 0.3, rng)
		}
	}
	return g
}

// TestStemPoolMatchesForward checks that Predict's stem + max pooling pass
// (conv_stem_pool.go) gives Forward's output bit for bit — the same stem
// tiles and the same maxima in the same order — that it did run where it
// applies (and did not where it does not), on ResNet's shape and odd
// sizes, pool strides 1–3, pads cutting windows on every side, every stem
// tile width, ReLU, ReLU6 and linear, with and without bias, 1 and 2
// workers, 1–3 items per worker and batch 1 and 2; and that Forward after
// a Predict still computes the stem's own output.
func TestStemPoolMatchesForward(t *testing.T) {
	if !useSIMD || !useStemAVX512 {
		t.Skip("no AVX-512: the stem kernel and the 3×3 pool path are off")
	}
	defer func(v bool, k int) { stemPoolFusion, stemPoolItems = v, k }(stemPoolFusion, stemPoolItems)
	cases := []struct {
		h, w, f, k, cs, cp, ps int
		pp                     [4]int
		act                    string
		bias                   bool
		fused                  bool
	}{
		{64, 64, 64, 7, 2, 3, 2, [4]int{1, 1, 1, 1}, "relu", true, true}, // ResNet's, smaller
		{37, 29, 64, 7, 2, 3, 2, [4]int{1, 1, 1, 1}, "relu", true, true},
		{30, 31, 32, 3, 2, 1, 2, [4]int{0, 0, 1, 1}, "relu6", false, true},
		{23, 26, 16, 3, 1, 1, 1, [4]int{1, 1, 1, 1}, "linear", true, true},
		{40, 35, 64, 5, 2, 2, 3, [4]int{2, 0, 0, 2}, "relu", true, true},
		{17, 19, 48, 3, 1, 0, 2, [4]int{0, 0, 0, 0}, "relu", false, true},
		{24, 24, 64, 7, 2, 3, 2, [4]int{1, 1, 1, 1}, "sigmoid", true, false}, // not a clamp: unfused
	}
	x2 := NewTensor(2, 64, 64, 3)
	for _, tc := range cases {
		g := stemPoolNet(t, tc.h, tc.w, tc.f, tc.k, tc.cs, tc.cp, tc.ps, tc.pp, tc.act, tc.bias, tc.h%2 == 0)
		for _, batch := range []int{1, 2} {
			x := &Tensor{Shape: []int{batch, tc.h, tc.w, 3}, Data: x2.Data[:batch*tc.h*tc.w*3]}
			fillUniform(x.Data, 1, rand.New(rand.NewSource(int64(batch))))
			for _, workers := range []int{1, 2} {
				for _, items := range []int{1, 2, 3} {
					name := fmt.Sprintf("%dx%dx%d k%d/%d pool/%d %v %s n%d w%d i%d", tc.h, tc.w, tc.f, tc.k, tc.cs, tc.ps, tc.pp, tc.act, batch, workers, items)
					stemPoolItems = items
					g.SetEngine(Engine{Workers: workers, PackWeights: true})
					want := forwardBits(g, x)
					pool := g.order[1]
					stemPoolFusion = false
					off := slices.Clone(g.Predict(x).Data)
					if g.order[0].leanRan {
						t.Fatalf("%s: fused with stemPoolFusion off", name)
					}
					stemPoolFusion = true
					for i := range 2 { // the second pass reuses the plan and scratch
						got := g.Predict(x)
						if g.order[0].leanRan != tc.fused {
							t.Fatalf("%s: fused %v, expected %v", name, g.order[0].leanRan, tc.fused)
						}
						if !bitEqual(got.Data, want[len(want)-1]) || !bitEqual(off, want[len(want)-1]) {
							t.Fatalf("%s pass %d: Predict's output differs from Forward's", name, i)
						}
						checkLeanPlan(t, g)
						if tc.fused && len(want) > 2 && g.Output(pool.name) != nil {
							t.Fatalf("%s: Predict kept the pooling's output", name)
						}
					}
					if got := forwardBits(g, x); !bitEqual(got[0], want[0]) || !bitEqual(got[1], want[1]) {
						t.Fatalf("%s: Forward after Predict differs", name)
					}
				}
			}
		}
	}
}

// TestStemPoolPixelEdges checks the pooled pixels cut by the left and
// right padding, and whole rows in the padding, against the general path
// with NaN, ±0 and ties in the convolution's output (a linear stem whose
// input makes them): every value bit for bit.
func TestStemPoolPixelEdges(t *testing.T) {
	if !useSIMD || !useStemAVX512 {
		t.Skip("no AVX-512")
	}
	g := stemPoolNet(t, 12, 13, 16, 1, 1, 0, 2, [4]int{2, 2, 2, 2}, "linear", false, false)
	k := g.order[0].layer.(*Conv2D).kernel.Value
	for i := range k {
		k[i] = 0
	}
	for o := 0; o < 16; o++ { // channel o = x[c] for c = o % 3, times ±1
		k[(o%3)*16+o] = float32(1 - 2*(o/8))
	}
	g.WeightsChanged()
	x := NewTensor(1, 12, 13, 3)
	vals := []float32{0, float32(math.Copysign(0, -1)), 1, 1, float32(math.NaN()), -2, 3}
	for i := range x.Data {
		x.Data[i] = vals[(i*7+i/5)%len(vals)]
	}
	g.SetEngine(Engine{Workers: 2, PackWeights: true})
	want := forwardBits(g, x)
	got := g.Predict(x)
	if !g.order[0].leanRan {
		t.Fatal("not fused")
	}
	if !bitEqual(got.Data, want[len(want)-1]) {
		t.Fatal("Predict's output differs from Forward's")
	}
}

// TestStemPoolResNet18 checks Predict against Forward (checkPredict: the
// output bit for bit, the buffer plan) on a 224×224 ResNet-18, whose stem
// and max pooling take the fused pass.
func TestStemPoolResNet18(t *testing.T) {
	if !useSIMD || !useStemAVX512 {
		t.Skip("no AVX-512")
	}
	g := resNet18(t, false)
	g.SetEngine(Engine{PackWeights: true, Workers: 2})
	checkPredict(t, g, false)
	g.Predict(NewTensor(1, 224, 224, 3)) // any input: the pass only has to run
	if n := g.order[0]; n.leanPool == nil || !n.leanRan {
		t.Fatal("the stem and its pooling did not run as one pass")
	}
}
