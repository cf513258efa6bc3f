package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// dw5Cases covers EfficientNet-B0's and MobileNetV3-Small's 5×5 shapes in
// small (stride 1 and 2, pads 2), asymmetric and absent padding, images
// with no interior pixel, rows wider than a tile (dwTilePixels), and
// channel counts that fill whole 16-channel blocks and that leave a
// masked last block (3, 8, 40, 72, 120).
var dw5Cases = []dwCase{
	{h: 9, w: 8, c: 16, sh: 1, sw: 1, pads: [4]int{2, 2, 2, 2}},
	{h: 9, w: 9, c: 40, sh: 2, sw: 2, pads: [4]int{2, 2, 2, 2}},
	{h: 8, w: 10, c: 72, sh: 2, sw: 2, pads: [4]int{1, 1, 2, 2}}, // TensorFlow's "same" at stride 2
	{h: 7, w: 9, c: 32, sh: 1, sw: 1, pads: [4]int{0, 0, 0, 0}},
	{h: 6, w: 7, c: 8, sh: 1, sw: 2, pads: [4]int{3, 0, 1, 4}},
	{h: 5, w: 5, c: 24, sh: 1, sw: 1, pads: [4]int{2, 2, 2, 2}}, // every pixel on a border
	{h: 3, w: 4, c: 16, sh: 1, sw: 1, pads: [4]int{2, 2, 2, 2}}, // no interior at all
	{h: 5, w: 70, c: 120, sh: 1, sw: 1, pads: [4]int{2, 2, 2, 2}},
	{h: 6, w: 141, c: 48, sh: 2, sw: 2, pads: [4]int{2, 2, 2, 2}},
	{h: 6, w: 6, c: 3, sh: 1, sw: 1, pads: [4]int{2, 2, 2, 2}},
	{h: 7, w: 7, c: 240, sh: 2, sw: 2, pads: [4]int{2, 2, 2, 2}},
}

// TestDepthwise5x5AgainstReference compares the fused 5×5 kernel (bias and
// activation included) with the textbook convolution followed by the
// activation, for every case, activation, with and without bias, on 1 and
// 3 workers.
func TestDepthwise5x5AgainstReference(t *testing.T) {
	for _, d := range dw5Cases {
		for _, act := range []string{"linear", "relu", "relu6"} {
			for _, bias := range []bool{true, false} {
				for _, workers := range []int{1, 3} {
					name := fmt.Sprintf("%v/%s/bias=%v/workers=%d", d, act, bias, workers)
					t.Run(name, func(t *testing.T) { checkDepthwise5x5(t, d, act, bias, workers) })
				}
			}
		}
	}
}

func checkDepthwise5x5(t *testing.T, d dwCase, act string, bias bool, workers int) {
	checkDepthwise(t, d, 5, act, bias, workers, func(l *Conv2D) {
		if !l.dw5x5() {
			t.Skip("AVX2 without AVX-512: 5×5 depthwise layers keep the general path")
		}
	})
}

// TestDepthwiseRowsGoMatchAVX512 runs the AVX-512 rows (3×3 and 5×5) and
// the Go ones on the same inputs (strides 1 and 2, 1 to 9 pixels, whole
// and masked channel blocks) and compares them; their only difference is
// the order and rounding of the multiply-adds.
func TestDepthwiseRowsGoMatchAVX512(t *testing.T) {
	if !useAVX512 {
		t.Skip("no AVX-512 on this machine: the rows run in Go or AVX2")
	}
	rng := rand.New(rand.NewSource(5))
	for _, k := range []int{3, 5} {
		for _, c := range []int{3, 8, 16, 24, 144} {
			for _, sw := range []int{1, 2} {
				clamped := 0
				for n := 1; n <= 9; n++ {
					lo, hi := float32(-0.5), float32(0.75)
					need := (n-1)*sw*c + k*c
					var x [5][]float32
					for u := range x {
						x[u] = make([]float32, need)
						fillUniform(x[u], 1, rng)
					}
					kv, b := make([]float32, k*k*c), make([]float32, c)
					fillUniform(kv, 1, rng)
					fillUniform(b, 1, rng)
					got, want := make([]float32, n*c+16), make([]float32, n*c)
					for i := range got {
						got[i] = 42 // beyond n·c: must stay
					}
					if k == 3 {
						dw3x3RowAVX512(&got[0], &x[0][0], &x[1][0], &x[2][0], &kv[0], &b[0], n, c, sw*c, lo, hi)
						dw3x3RowGo(want, x[0], x[1], x[2], kv, b, n, c, sw*c, lo, hi)
					} else {
						dw5x5RowAVX512(&got[0], &x[0][0], &x[1][0], &x[2][0], &x[3][0], &x[4][0], &kv[0], &b[0], n, c, sw*c, lo, hi)
						dw5x5RowGo(want, x, kv, b, n, c, sw*c, lo, hi)
					}
					for i := range want {
						if math.Abs(float64(got[i]-want[i])) > 1e-5 {
							t.Fatalf("k=%d c=%d sw=%d n=%d: y[%d] = %g, Go %g", k, c, sw, n, i, got[i], want[i])
						}
						if want[i] == lo || want[i] == hi {
							clamped++
						}
					}
					for i := n * c; i < len(got); i++ {
						if got[i] != 42 {
							t.Fatalf("k=%d c=%d n=%d: y[%d] = %g written past the row", k, c, n, i, got[i])
						}
					}
				}
				if clamped == 0 {
					t.Errorf("k=%d c=%d sw=%d: no value reached the clamp; the test does not check it", k, c, sw)
				}
			}
		}
	}
}

// BenchmarkDepthwise5x5 times EfficientNet-B0's 5×5 depthwise layers
// (224×224 input, batch 1, one goroutine), each a whole image, on the
// fused kernel and on the general path followed by the bias pass.
func BenchmarkDepthwise5x5(b *testing.B) {
	for _, s := range []struct{ hw, c, stride int }{
		{56, 144, 2}, {28, 240, 1}, {14, 480, 1}, {14, 672, 1}, {14, 672, 2}, {7, 1152, 1},
	} {
		l := NewConv2D(s.c, 5, 5, WithGroups(s.c), WithStrides(s.stride, s.stride), WithPads(2, 2, 2, 2))
		out, err := l.Build([]int{s.hw, s.hw, s.c})
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewSource(1))
		fillUniform(l.kernel.Value, 1, rng)
		fillUniform(l.bias.Value, 1, rng)
		x := NewTensor(1, s.hw, s.hw, s.c)
		fillUniform(x.Data, 1, rng)
		y := NewTensor(1, out[0], out[1], out[2])
		l.setEngine(Engine{Workers: 1})
		l.prepareDepthwise()
		for _, path := range []string{"fused", "general"} {
			b.Run(fmt.Sprintf("%dx%dx%d/s%d/%s", s.hw, s.hw, s.c, s.stride, path), func(b *testing.B) {
				if path == "fused" && !l.dw5x5() {
					b.Skip("no fused 5×5 kernel on this machine")
				}
				c0 := cpuTime()
				for b.Loop() {
					if path == "fused" { // in work items of maxRows rows, as Forward
						for r0 := 0; r0 < out[0]; r0 += l.maxRows {
							r1 := min(r0+l.maxRows, out[0])
							if !l.depthwise5x5(y.Data[r0*out[1]*s.c:], x.Data, r0, r1, 0) {
								b.Fatal("the fused kernel refused the item")
							}
						}
					} else {
						l.depthwiseForward(y.Data, x.Data, 0, out[0])
						biasAct(y.Data, l.bias.Value, s.c, l.act)
					}
				}
				b.ReportMetric(float64(cpuTime()-c0)/1e3/float64(b.N), "cpu-µs/op")
			})
		}
	}
}
