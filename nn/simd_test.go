package nn

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"
)

// simdValues returns n random values with exact zeros of both signs,
// repeats (ties for max pooling) and, with nan, a few NaNs.
func simdValues(n int, rng *rand.Rand, nan bool) []float32 {
	v := make([]float32, n)
	for i := range v {
		switch r := rng.Intn(20); {
		case r == 0:
			v[i] = 0
		case r == 1:
			v[i] = float32(math.Copysign(0, -1))
		case r == 2 && i > 0:
			v[i] = v[i-1]
		case r == 3 && nan:
			v[i] = float32(math.NaN())
		default:
			v[i] = float32(rng.NormFloat64())
		}
	}
	return v
}

// sameBits reports whether a and b hold the same float32 bit patterns.
func sameBits(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool { return math.Float32bits(x) == math.Float32bits(y) })
}

// TestSIMDMatchesGo checks that every vector loop (assembly where the CPU
// has it) gives bit for bit the result of its plain Go version, on row
// lengths the assembly takes (multiples of 8) and ones it leaves to Go.
func TestSIMDMatchesGo(t *testing.T) {
	t.Logf("assembly loops: %v", useSIMD)
	rng := rand.New(rand.NewSource(1))
	for _, c := range []int{8, 24, 32, 64, 128, 5, 12} {
		for _, rows := range []int{1, 3, 17} {
			name := fmt.Sprintf("c=%d/rows=%d", c, rows)
			n := rows * c
			src, bias := simdValues(n, rng, true), simdValues(c, rng, false)
			got, want := make([]float32, n), make([]float32, n)
			biasReLU(got, src, bias)
			biasReLUGo(want, src, bias)
			if !sameBits(got, want) {
				t.Errorf("%s: biasReLU differs from Go", name)
			}
			for i, v := range want {
				if s := src[i] + bias[i%c]; !(v == max(s, 0) || math.IsNaN(float64(s)) && math.IsNaN(float64(v))) {
					t.Fatalf("%s: biasReLU[%d] = %g for %g", name, i, v, s)
				}
			}

			dy, y := simdValues(n+3, rng, false), simdValues(n+3, rng, true)
			got, want = make([]float32, n+3), make([]float32, n+3)
			reluGrad(got, dy, y)
			reluGradGo(want, dy, y)
			if !sameBits(got, want) {
				t.Errorf("%s: reluGrad differs from Go", name)
			}

			acc, ref := simdValues(c, rng, false), []float32(nil)
			ref = slices.Clone(acc)
			addRows(acc, src[:n])
			for i, v := range src[:n] {
				ref[i%c] += v
			}
			if !sameBits(acc, ref) {
				t.Errorf("%s: addRows differs from row-by-row sums", name)
			}

			x0, x1 := simdValues(2*n+c, rng, true), simdValues(2*n+c, rng, true)
			got, want = make([]float32, n), make([]float32, n)
			maxPool2(got, x0, x1, c)
			maxPool2Go(want, x0, x1, c)
			if !sameBits(got, want) {
				t.Errorf("%s: maxPool2 differs from Go", name)
			}
			g := simdValues(n, rng, false)
			d0, d1 := simdValues(2*n, rng, false), simdValues(2*n, rng, false)
			e0, e1 := make([]float32, 2*n), make([]float32, 2*n)
			maxPool2Back(d0, d1, x0, x1, want, g, c)
			maxPool2BackGo(e0, e1, x0, x1, want, g, c)
			if !sameBits(d0, e0) || !sameBits(d1, e1) {
				t.Errorf("%s: maxPool2Back differs from Go", name)
			}
			// Each window passes its gradient to exactly one input, unless
			// its maximum is NaN.
			for o := 0; o < n; o++ {
				p, k := 2*(o/c)*c+o%c, 0
				for _, v := range []float32{e0[p], e0[p+c], e1[p], e1[p+c]} {
					if v != 0 {
						k++
					}
				}
				if g[o] != 0 && !math.IsNaN(float64(want[o])) && k != 1 {
					t.Fatalf("%s: window %d routes its gradient to %d inputs", name, o, k)
				}
			}

			codes, codesGo := make([]uint8, n/c*codeBytes(c)), make([]uint8, n/c*codeBytes(c))
			yc, ycGo := make([]float32, n), make([]float32, n)
			maxPool2Codes(yc, codes, x0, x1, c)
			maxPool2CodesGo(ycGo, codesGo, x0, x1, c)
			if !sameBits(yc, want) || !sameBits(ycGo, want) || !slices.Equal(codes, codesGo) {
				t.Errorf("%s: maxPool2Codes differs from Go or from maxPool2", name)
			}
			// Routing by the codes is routing by comparison with y (but
			// for a NaN maximum, which only the comparison routes nowhere).
			x0, x1 = simdValues(2*n+c, rng, false), simdValues(2*n+c, rng, false)
			maxPool2Codes(yc, codes, x0, x1, c)
			maxPool2Back(e0, e1, x0, x1, yc, g, c)
			c0, c1 := simdValues(2*n, rng, false), simdValues(2*n, rng, false)
			maxPool2BackCodes(c0, c1, g, codes, c)
			if !sameBits(c0, e0) || !sameBits(c1, e1) {
				t.Errorf("%s: maxPool2BackCodes differs from maxPool2Back", name)
			}
			maxPool2BackCodesGo(c0, c1, g, codes, c)
			if !sameBits(c0, e0) || !sameBits(c1, e1) {
				t.Errorf("%s: maxPool2BackCodesGo differs from maxPool2Back", name)
			}

			w, gr, v := simdValues(n+5, rng, false), simdValues(n+5, rng, false), simdValues(n+5, rng, false)
			for i := range v {
				v[i] = float32(math.Abs(float64(v[i])))
			}
			w2, v2 := slices.Clone(w), slices.Clone(v)
			rmsprop(w, gr, v, 1e-3, 0.9, 1e-7)
			rmspropGo(w2, gr, v2, 1e-3, 0.9, 1e-7)
			if !sameBits(w, w2) || !sameBits(v, v2) {
				t.Errorf("%s: rmsprop differs from Go", name)
			}
		}
	}
}

func TestAxpyRows(t *testing.T) {
	// Against a float64 sum, for widths the assembly takes (multiples of
	// 8, with and without a 64-wide block) and others, and a row stride
	// wider than the row.
	rng := rand.New(rand.NewSource(2))
	for _, cols := range []int{8, 64, 72, 136, 5, 13} {
		for _, rows := range []int{1, 7, 100} {
			ldw := cols + 3
			w, x := simdValues(rows*ldw, rng, false), simdValues(rows, rng, false)
			y := simdValues(cols, rng, false)
			want := make([]float64, cols)
			for j := range want {
				want[j] = float64(y[j])
				for r := range x {
					want[j] += float64(x[r]) * float64(w[r*ldw+j])
				}
			}
			axpyRows(y, w, x, ldw)
			for j, v := range y {
				if d := math.Abs(float64(v) - want[j]); d > 1e-5*float64(rows+1)*(1+math.Abs(want[j])) {
					t.Fatalf("cols=%d rows=%d: y[%d] = %g, want %g", cols, rows, j, v, want[j])
				}
			}
		}
	}
}

func TestMaxIntoSIMD(t *testing.T) {
	// The assembly and Go versions agree bit for bit, NaNs included (a NaN
	// already in dst stays, one in src never wins).
	for _, n := range []int{8, 64, 72, 5} {
		src, dst := make([]float32, n), make([]float32, n)
		for i := range src {
			src[i] = float32((i*7)%11) - 5
			dst[i] = float32((i*5)%13) - 6
		}
		src[1], dst[2] = float32(math.NaN()), float32(math.NaN())
		want := slices.Clone(dst)
		maxIntoGo(want, src)
		maxInto(dst, src)
		for i := range dst {
			if math.Float32bits(dst[i]) != math.Float32bits(want[i]) {
				t.Fatalf("n=%d: maxInto[%d] = %v, Go version %v", n, i, dst[i], want[i])
			}
		}
		if !math.IsNaN(float64(dst[2])) || math.IsNaN(float64(dst[1])) {
			t.Fatalf("NaN handling: %v", dst[:3])
		}
	}
}

func TestMulAddSIMD(t *testing.T) {
	// FMA rounds once: within an ulp or two of the Go loop.
	for _, n := range []int{8, 96, 7} {
		a, b, dst := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range a {
			a[i], b[i], dst[i] = float32(i%5)-2.3, float32(i%7)*0.37-1, float32(i%3)-0.5
		}
		want := slices.Clone(dst)
		mulAddGo(want, a, b)
		mulAdd(dst, a, b)
		for i := range dst {
			if d := math.Abs(float64(dst[i] - want[i])); d > 1e-6*(1+math.Abs(float64(want[i]))) {
				t.Fatalf("n=%d: mulAdd[%d] = %v, Go version %v", n, i, dst[i], want[i])
			}
		}
	}
}

func TestClampSIMD(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	v := []float32{-1, 0, 3, 6, 7, nan, inf, -inf, 2.5, -0.5, 6.5, 5.9, nan}
	want := []float32{0, 0, 3, 6, 6, nan, 6, 0, 2.5, 0, 6, 5.9, nan}
	clamp(v, 0, 6)
	for i := range v {
		if math.Float32bits(v[i]) != math.Float32bits(want[i]) && !(math.IsNaN(float64(v[i])) && math.IsNaN(float64(want[i]))) {
			t.Errorf("clamp[%d] = %v, expected %v", i, v[i], want[i])
		}
	}
}
