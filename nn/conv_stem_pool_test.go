package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestConvStemPoolFused runs a stem convolution followed by a max pooling
// (ResNet's 3×3/2 with pads 1, odd sizes, a 2×2 one, ceil mode), fused and
// unfused (fuseOff), one and two workers, with several work items per
// image: forward outputs must be equal, and a training pass's gradients
// (kernel, bias, input) too.
func TestConvStemPoolFused(t *testing.T) {
	cases := []struct {
		name         string
		h, w         int
		k, s, pad    int
		pk, ps, ppad int
		ceil         bool
		act          string
	}{
		{"resnet", 45, 38, 7, 2, 3, 3, 2, 1, false, "relu"},
		{"2x2 pool", 36, 29, 3, 1, 1, 2, 2, 0, false, "linear"},
		{"ceil mode", 40, 33, 5, 2, 2, 3, 2, 0, true, "relu6"},
		{"sigmoid, one item", 8, 9, 3, 1, 1, 3, 2, 1, false, "sigmoid"},
	}
	for _, tc := range cases {
		for _, w := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/workers=%d", tc.name, w), func(t *testing.T) {
				var outs [2][]float32
				var grads [2][][]float32
				for i, fuse := range []bool{false, true} {
					g := NewGraph([]int{tc.h, tc.w, 3})
					conv, err := g.Add(NewConv2D(64, tc.k, tc.k, WithStrides(tc.s, tc.s), WithPads(tc.pad, tc.pad, tc.pad, tc.pad), WithActivation(tc.act)), GraphInput)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := g.Add(NewMaxPooling2D(tc.pk, tc.pk, WithStrides(tc.ps, tc.ps), WithPads(tc.ppad, tc.ppad, tc.ppad, tc.ppad), WithCeilMode(tc.ceil)), conv); err != nil {
						t.Fatal(err)
					}
					if err := g.Build(); err != nil {
						t.Fatal(err)
					}
					g.Init(1)
					rng := rand.New(rand.NewSource(5))
					for _, p := range g.Params() {
						fillUniform(p.Value, 0.3, rng)
					}
					e := Engine{Workers: w}
					e.opts.fuseOff = !fuse
					g.SetEngine(e)
					if fused := g.order[0].fusedPool != nil; fused != (fuse && useStemAVX512) {
						t.Fatalf("fused %v, expected %v", fused, fuse && useStemAVX512)
					}
					x := NewTensor(2, tc.h, tc.w, 3)
					fillUniform(x.Data, 1, rng)
					y := g.Forward(x, false)
					outs[i] = append(append([]float32(nil), g.order[0].out.Data...), y.Data...)
					g.Forward(x, true)
					dy := NewTensor(y.Shape...)
					fillUniform(dy.Data, 1, rng)
					for _, p := range g.Params() {
						clear(p.Grad)
					}
					g.Backward(dy)
					for _, p := range g.Params() {
						grads[i] = append(grads[i], append([]float32(nil), p.Grad...))
					}
				}
				for j, v := range outs[1] {
					if v != outs[0][j] && !(math.Abs(float64(v-outs[0][j])) <= 1e-6*math.Max(1, math.Abs(float64(v)))) {
						t.Fatalf("output %d: fused %g, unfused %g", j, v, outs[0][j])
					}
				}
				for k := range grads[0] {
					for j, v := range grads[1][k] {
						if math.Abs(float64(v-grads[0][k][j])) > 1e-4*math.Max(1, math.Abs(float64(v))) {
							t.Fatalf("gradient %d[%d]: fused %g, unfused %g", k, j, v, grads[0][k][j])
						}
					}
				}
			})
		}
	}
}

// TestPoolRowMaxMatchesPooling compares poolRowMax with MaxPooling2D over
// every row, for windows that are clipped by the padding on every side.
func TestPoolRowMaxMatchesPooling(t *testing.T) {
	for _, tc := range []struct {
		h, w, k, s int
		pads       [4]int
		ceil       bool
	}{
		{9, 7, 3, 2, [4]int{1, 1, 1, 1}, false},
		{6, 8, 2, 2, [4]int{0, 0, 0, 0}, false},
		{7, 7, 3, 2, [4]int{0, 0, 0, 0}, true},
		{4, 4, 3, 2, [4]int{2, 2, 2, 2}, false},
		{5, 4, 3, 3, [4]int{2, 1, 2, 2}, true},
	} {
		p := NewMaxPooling2D(tc.k, tc.k, WithStrides(tc.s, tc.s), WithPads(tc.pads[0], tc.pads[1], tc.pads[2], tc.pads[3]), WithCeilMode(tc.ceil))
		out, err := p.Build([]int{tc.h, tc.w, 16})
		if err != nil {
			t.Fatal(err)
		}
		x := NewTensor(1, tc.h, tc.w, 16)
		fillUniform(x.Data, 1, rand.New(rand.NewSource(7)))
		want := NewTensor(append([]int{1}, out...)...)
		p.Forward(want, x, false)
		got := NewTensor(want.Shape...)
		vm := make([]float32, tc.w*16)
		for i := 0; i < out[0]; i++ {
			poolRowMax(got.Data, x.Data, &p.g, i, vm)
		}
		for j, v := range got.Data {
			if v != want.Data[j] {
				t.Fatalf("%+v: yp[%d] = %g, MaxPooling2D %g", tc, j, v, want.Data[j])
			}
		}
	}
}
