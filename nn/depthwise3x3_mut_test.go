package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestDepthwiseFusedBuffers checks the fused depthwise kernels' refusal to
// run without their buffers (depthwise3x3 and, for a 5×5 layer,
// depthwise5x5 report false and write nothing, so the layer takes the
// general path): for a worker prepareDepthwise did not size, with a row
// of zeros one value short, and (5×5, stride 1) with a band of input rows
// one value short. With the buffers as prepared they run.
func TestDepthwiseFusedBuffers(t *testing.T) {
	for _, tc := range []struct {
		k, h, w, c, stride int
	}{
		{3, 6, 7, 8, 1},
		{3, 7, 9, 5, 2},
		{5, 7, 8, 16, 1},
		{5, 9, 9, 16, 2},
	} {
		name := fmt.Sprintf("%dx%d/%dx%dx%d/s%d", tc.k, tc.k, tc.h, tc.w, tc.c, tc.stride)
		p := tc.k / 2
		l := NewConv2D(tc.c, tc.k, tc.k, WithGroups(tc.c), WithStrides(tc.stride, tc.stride), WithPads(p, p, p, p), WithActivation("relu"))
		out, err := l.Build([]int{tc.h, tc.w, tc.c})
		if err != nil {
			t.Fatal(err)
		}
		if !l.dw3x3() && !l.dw5x5() {
			t.Logf("%s: no fused kernel at this SIMD level", name)
			continue
		}
		rng := rand.New(rand.NewSource(9))
		fillUniform(l.kernel.Value, 1, rng)
		fillUniform(l.bias.Value, 1, rng)
		x := NewTensor(1, tc.h, tc.w, tc.c)
		fillUniform(x.Data, 1, rng)
		l.setEngine(Engine{Workers: 2})
		l.prepareDepthwise()
		size := out[0] * out[1] * out[2]
		run := func(worker int) (bool, []float32) {
			y := make([]float32, size)
			for i := range y {
				y[i] = -7
			}
			return l.depthwise3x3(y, x.Data, 0, out[0], worker), y
		}
		untouched := func(what string, ok bool, y []float32) {
			if ok {
				t.Errorf("%s: the fused kernel ran %s", name, what)
			}
			for i, v := range y {
				if v != -7 {
					t.Fatalf("%s: y[%d] = %g written %s", name, i, v, what)
				}
			}
		}
		ok, y := run(len(l.dwWin))
		untouched("for a worker without buffers", ok, y)
		zero := l.dwZero
		need := max(tc.w, 3) * tc.c
		if l.dw5x5() {
			need = max((out[1]-1)*tc.stride+5, tc.w) * tc.c
		}
		l.dwZero = zero[:need-1]
		ok, y = run(0)
		untouched("with a row of zeros one value short", ok, y)
		l.dwZero = zero
		if wp := (out[1]-1)*tc.stride + 5; l.dw5x5() && tc.stride == 1 {
			// A stride-1 5×5 layer with padding copies its rows into the
			// worker's band: out[0] rows need (out[0]-1)+5 input rows.
			win := l.dwWin[0]
			l.dwWin[0] = win[:(out[0]+4)*wp*tc.c-1]
			ok, y = run(0)
			untouched("with a band one value short", ok, y)
			l.dwWin[0] = win
			// An item of the last rows needs a band for its own rows only.
			r0 := out[0] - 2
			l.dwWin[0] = win[:(2+4)*wp*tc.c]
			y := make([]float32, 2*out[1]*tc.c)
			if !l.depthwise3x3(y, x.Data, r0, out[0], 0) {
				t.Errorf("%s: rows [%d, %d) did not run with a band of their 6 input rows", name, r0, out[0])
			}
			l.dwWin[0] = win
		} else if l.dw5x5() {
			// A strided 5×5 layer copies one border pixel's window: 25
			// values per channel are enough, one less is not.
			win := l.dwWin[0]
			l.dwWin[0] = win[:25*tc.c-1]
			ok, y = run(0)
			untouched("with a window one value short", ok, y)
			l.dwWin[0] = win[:25*tc.c]
			if ok, _ = run(0); !ok {
				t.Errorf("%s: the fused kernel did not run with a window of 25 values per channel", name)
			}
			l.dwWin[0] = win
		}
		if ok, y = run(1); !ok {
			t.Errorf("%s: the fused kernel did not run with its buffers", name)
		} else if y[0] == -7 || y[size-1] == -7 {
			t.Errorf("%s: the fused kernel did not write y", name)
		}
	}
}

// dwEdgeCases are 3×3 depthwise shapes at the borders' limits: a left pad
// of 2 (two left border pixels, the second not the first window copied),
// images one pixel wide (every pixel a border pixel, and with a left pad
// of 2 none of the interior loop's pixels), a right pad of 2.
var dwEdgeCases = []dwCase{
	{h: 5, w: 6, c: 8, sh: 1, sw: 1, pads: [4]int{1, 2, 0, 2}},
	{h: 4, w: 7, c: 5, sh: 1, sw: 1, pads: [4]int{0, 2, 1, 0}},
	{h: 3, w: 1, c: 8, sh: 1, sw: 1, pads: [4]int{1, 1, 1, 1}},
	{h: 3, w: 1, c: 16, sh: 1, sw: 1, pads: [4]int{1, 2, 1, 0}},
	{h: 4, w: 1, c: 3, sh: 2, sw: 1, pads: [4]int{1, 2, 0, 1}},
	{h: 5, w: 9, c: 24, sh: 2, sw: 2, pads: [4]int{1, 2, 1, 2}},
}

// TestDepthwise3x3Borders runs the fused 3×3 kernel on dwEdgeCases at
// every kernel level this machine has and compares it with the textbook
// convolution (checkDepthwise3x3: every value written, two samples, so a
// pixel written past a row's end reaches the next row or the tensor's end).
func TestDepthwise3x3Borders(t *testing.T) {
	runDwBorders(t, dwEdgeCases, []string{"linear", "relu6"}, func(t *testing.T, d dwCase, act string, workers int) {
		checkDepthwise3x3(t, d, act, true, workers)
	})
}

// runDwBorders runs check as a subtest on each of cases at every kernel
// level this machine has, with each of acts and one and two workers.
func runDwBorders(t *testing.T, cases []dwCase, acts []string, check func(t *testing.T, d dwCase, act string, workers int)) {
	for _, l := range kernelLevels() {
		withKernelLevel(l, func() {
			for _, d := range cases {
				for _, act := range acts {
					for _, workers := range []int{1, 2} {
						name := fmt.Sprintf("%s/%v/%s/workers=%d", l.name, d, act, workers)
						t.Run(name, func(t *testing.T) { check(t, d, act, workers) })
					}
				}
			}
		})
	}
}

// TestDepthwise3x3RowNoPixels: a row of no pixels (n ≤ 0) reads and
// writes nothing, whatever the slices.
func TestDepthwise3x3RowNoPixels(t *testing.T) {
	for _, n := range []int{0, -1} {
		dw3x3Row(nil, nil, nil, nil, nil, nil, n, 8, 8, 0, 6)
		dw5x5Row(nil, nil, nil, nil, nil, nil, nil, nil, n, 16, 16, 0, 6)
	}
}

// TestDepthwise3x3RowDispatch checks which row kernel dw3x3Row runs at the
// AVX2 level: the AVX2 rows for channel counts that are multiples of 8
// (its output equal to dw3x3RowAVX2's bit for bit, on inputs where the
// fused multiply-adds round differently from the Go rows), the Go rows
// otherwise.
func TestDepthwise3x3RowDispatch(t *testing.T) {
	if !useSIMD {
		t.Skip("no AVX2 on this machine")
	}
	rng := rand.New(rand.NewSource(21))
	withKernelLevel(kernelLevel{"avx2", false, true}, func() {
		for _, c := range []int{8, 24, 5, 12} {
			const n, sw = 6, 2
			need := (n-1)*sw*c + 3*c
			x0, x1, x2 := make([]float32, need), make([]float32, need), make([]float32, need)
			k, b := make([]float32, 9*c), make([]float32, c)
			for _, v := range [][]float32{x0, x1, x2, k, b} {
				fillUniform(v, 1, rng)
			}
			got, asm, gov := make([]float32, n*c), make([]float32, n*c), make([]float32, n*c)
			dw3x3Row(got, x0, x1, x2, k, b, n, c, sw*c, -100, 100)
			dw3x3RowGo(gov, x0, x1, x2, k, b, n, c, sw*c, -100, 100)
			want, other := gov, "Go"
			if c%8 == 0 {
				dw3x3RowAVX2(&asm[0], &x0[0], &x1[0], &x2[0], &k[0], &b[0], n, c, sw*c, -100, 100)
				if fmt.Sprint(asm) == fmt.Sprint(gov) {
					t.Fatalf("c=%d: the AVX2 and Go rows agree bit for bit; the inputs cannot tell them apart", c)
				}
				want, other = asm, "AVX2"
			}
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("c=%d: y[%d] = %v, expected %v (the %s rows')", c, i, got[i], want[i], other)
				}
			}
		}
	})
}

// TestDepthwiseRowsSignedZero: a sum of exactly −0 (bias −0, every
// product −0) clamped to [0, 6] or [−6, 0] stays −0 in the Go rows as in
// the assembly, whose VMAXPS/VMINPS return the sum when it equals the bound
// (a bound is taken only when strictly beyond it). Every kernel level this
// machine has is run, 8 and 16 channels, one and three pixels.
func TestDepthwiseRowsSignedZero(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	for _, l := range kernelLevels() {
		withKernelLevel(l, func() {
			for _, c := range []int{8, 16} {
				for _, n := range []int{1, 3} {
					for _, bounds := range [][2]float32{{0, 6}, {-6, 0}} {
						for _, k := range []int{3, 5} {
							x := make([]float32, (n-1)*c+k*c) // zeros
							kern := make([]float32, k*k*c)
							b := make([]float32, c)
							for i := range kern {
								kern[i] = -1
							}
							for i := range b {
								b[i] = negZero
							}
							y := make([]float32, n*c)
							for i := range y {
								y[i] = 1
							}
							if k == 3 {
								dw3x3Row(y, x, x, x, kern, b, n, c, c, bounds[0], bounds[1])
							} else {
								dw5x5Row(y, x, x, x, x, x, kern, b, n, c, c, bounds[0], bounds[1])
							}
							for i, v := range y {
								if math.Float32bits(v) != math.Float32bits(negZero) {
									t.Fatalf("%s: %d×%d, c=%d, n=%d, clamp %v: y[%d] = %v (bits %#x), expected -0", l.name, k, k, c, n, bounds, i, v, math.Float32bits(v))
								}
							}
						}
					}
				}
			}
		})
	}
}
