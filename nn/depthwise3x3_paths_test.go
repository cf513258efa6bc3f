package nn

import (
	"fmt"
	"testing"
)

// kernelLevel is one set of the package's SIMD switches: what a machine
// with AVX-512, with AVX2 only, or without either runs.
type kernelLevel struct {
	name         string
	avx512, simd bool
}

// kernelLevels returns the levels this machine can run, the lower ones
// first (a machine with AVX-512 runs all three; one without SIMD, only
// "go"). The last one is what the machine runs anyway.
func kernelLevels() []kernelLevel {
	levels := []kernelLevel{{"go", false, false}}
	if useSIMD {
		levels = append(levels, kernelLevel{"avx2", false, true})
	}
	if useAVX512 {
		levels = append(levels, kernelLevel{"avx512", true, true})
	}
	return levels
}

// lowerKernelLevels is kernelLevels without the machine's own level, which
// the other tests run.
func lowerKernelLevels() []kernelLevel {
	l := kernelLevels()
	return l[:len(l)-1]
}

// withKernelLevel runs fn with the SIMD switches set to l, then restores
// them. Tests that call it must not run in parallel with others.
func withKernelLevel(l kernelLevel, fn func()) {
	avx512, simd := useAVX512, useSIMD
	defer func() { useAVX512, useSIMD = avx512, simd }()
	useAVX512, useSIMD = l.avx512, l.simd
	fn()
}

// TestDepthwise3x3KernelLevels runs the fused 3×3 depthwise layer on the
// kernel levels below this machine's — on an AVX-512 machine the AVX2 rows
// (channel counts that are multiples of 8) and the Go rows, which nothing
// else runs there — and compares each with the textbook convolution
// (checkDepthwise3x3: every dwCases shape, three activations, with and
// without bias, two workers; TestDepthwise3x3AgainstReference runs the
// machine's own level).
func TestDepthwise3x3KernelLevels(t *testing.T) {
	for _, l := range lowerKernelLevels() {
		withKernelLevel(l, func() {
			for _, d := range dwCases {
				for _, act := range []string{"linear", "relu", "relu6"} {
					for _, bias := range []bool{true, false} {
						name := fmt.Sprintf("%s/%v/%s/bias=%v", l.name, d, act, bias)
						t.Run(name, func(t *testing.T) { checkDepthwise3x3(t, d, act, bias, 2) })
					}
				}
			}
		})
	}
}

// TestDepthwise3x3RowGoClamp pins dw3x3RowGo on literal values: one pixel
// of one channel, taps 1…9 on inputs of 1 (sum 45 plus the bias), clamped
// below, inside and above [lo, hi]; and a stride of two channels between
// pixels.
func TestDepthwise3x3RowGoClamp(t *testing.T) {
	ones := []float32{1, 1, 1}
	k := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	for _, tc := range []struct {
		b, lo, hi, want float32
	}{
		{0, -100, 100, 45},
		{-50, -2, 100, -2},
		{5, -100, 49.5, 49.5},
		{-45, 0, 6, 0},
		{-40, 0, 6, 5},
	} {
		y := []float32{99}
		dw3x3RowGo(y, ones, ones, ones, k, []float32{tc.b}, 1, 1, 0, tc.lo, tc.hi)
		if y[0] != tc.want {
			t.Errorf("bias %g, clamp [%g, %g]: y = %g, expected %g", tc.b, tc.lo, tc.hi, y[0], tc.want)
		}
	}
	// Two pixels of two channels, stride 2 pixels (4 values): pixel 1 reads
	// x[4:10] of each row.
	x := []float32{1, 0, 1, 0, 1, 0, 0, 0, 5, 0, 2, 0}
	kk := make([]float32, 18)
	for i := range kk {
		kk[i] = 1
	}
	y := make([]float32, 4)
	dw3x3RowGo(y, x, x, x, kk, []float32{0, 0}, 2, 2, 4, -100, 100)
	if want := []float32{9, 0, 18, 0}; fmt.Sprint(y) != fmt.Sprint(want) {
		t.Errorf("strided pixels: y = %v, expected %v", y, want)
	}
}

// TestDepthwise5x5KernelLevels runs the 5×5 depthwise layer on every
// kernel level: AVX-512 and Go take the fused kernel (dw5x5), AVX2 the
// general path (depthwiseForward with the vectorised taps); each is
// compared with the textbook convolution on every dw5Cases shape (the
// machine's own level with one worker, the others with two).
func TestDepthwise5x5KernelLevels(t *testing.T) {
	levels := kernelLevels()
	for i, l := range levels {
		workers := 2
		if i == len(levels)-1 {
			workers = 1 // TestDepthwise5x5AgainstReference runs 1 and 3
		}
		withKernelLevel(l, func() {
			for _, d := range dw5Cases {
				for _, act := range []string{"linear", "relu", "relu6"} {
					for _, bias := range []bool{true, false} {
						name := fmt.Sprintf("%s/%v/%s/bias=%v", l.name, d, act, bias)
						t.Run(name, func(t *testing.T) {
							checkDepthwise5x5Level(t, d, act, bias, workers, l.avx512 || !l.simd)
						})
					}
				}
			}
		})
	}
}

// checkDepthwise5x5Level is checkDepthwise5x5 that also asserts whether
// the layer takes the fused kernel.
func checkDepthwise5x5Level(t *testing.T, d dwCase, act string, bias bool, workers int, fused bool) {
	checkDepthwise(t, d, 5, act, bias, workers, func(l *Conv2D) {
		if l.dw5x5() != fused {
			t.Fatalf("dw5x5() = %v, expected %v", l.dw5x5(), fused)
		}
	})
}
