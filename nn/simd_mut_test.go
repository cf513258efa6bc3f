package nn

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// The vector loops of simd.go against naive references written from their
// doc comments, on both paths: the assembly (where the CPU has it) and the
// Go versions, forced with withUseSIMD (on an AVX2 machine they run only
// for row lengths that are not multiples of 8). Lengths are exact (no
// slack after the last value), values are multiples of 1/4 (sums and
// products exact, many ties) with ±0, ±Inf and NaNs.

// simdMutPaths runs f on the assembly path and on the Go path.
func simdMutPaths(t *testing.T, f func(t *testing.T)) {
	for _, path := range []string{"asm", "go"} {
		t.Run(path, func(t *testing.T) {
			withUseSIMD(t, path == "asm")
			f(t)
		})
	}
}

// mutVals returns n deterministic values: quarters in [-4, 4], ±0, and
// with special also ±Inf and NaN.
func mutVals(n, seed int, special bool) []float32 {
	v := make([]float32, n)
	s := uint32(seed)*2654435761 + 12345
	for i := range v {
		s = s*1664525 + 1013904223
		switch r := s >> 24; {
		case r < 20:
			v[i] = 0
		case r < 40:
			v[i] = float32(math.Copysign(0, -1))
		case special && r < 50:
			v[i] = float32(math.NaN())
		case special && r < 55:
			v[i] = float32(math.Inf(1))
		case special && r < 60:
			v[i] = float32(math.Inf(-1))
		default:
			v[i] = float32(int(s>>8)%33-16) / 4
		}
	}
	return v
}

// mutGarbage returns n values that no loop should leave in its output.
func mutGarbage(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = 1234.5 + float32(i)
	}
	return v
}

// sameF reports whether a and b are the same float32: equal bits, or both NaN.
func sameF(a, b float32) bool {
	return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b
}

func checkSame(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, expected %d", what, len(got), len(want))
	}
	for i := range got {
		if !sameF(got[i], want[i]) {
			t.Fatalf("%s: [%d] = %v (%#x), expected %v (%#x)", what, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

var negZero = float32(math.Copysign(0, -1))

func TestSIMDRefBiasReLU(t *testing.T) {
	simdMutPaths(t, func(t *testing.T) {
		for _, c := range []int{1, 3, 8, 12, 16} {
			for _, rows := range []int{0, 1, 2, 5} {
				for _, inPlace := range []bool{false, true} {
					name := fmt.Sprintf("c=%d rows=%d inPlace=%v", c, rows, inPlace)
					n := rows * c
					src, bias := mutVals(n, c+rows, true), mutVals(c, c, false)
					if n > 0 { // -0 + -0 is -0, which stays (max(-0, 0) keeps its first operand)
						src[0], bias[0] = negZero, negZero
					}
					want := make([]float32, n)
					for i := range want {
						s := src[i] + bias[i%c]
						if s < 0 {
							s = 0
						}
						want[i] = s
					}
					dst := mutGarbage(n)
					if inPlace {
						dst = src
					}
					biasReLU(dst, src, bias)
					checkSame(t, name, dst, want)
				}
			}
		}
		checkBadLengths(t, "biasReLU")
	})
}

func TestSIMDRefReluGrad(t *testing.T) {
	simdMutPaths(t, func(t *testing.T) {
		for _, n := range []int{0, 1, 7, 8, 9, 16, 17, 23} {
			y, dy := mutVals(n, n, true), mutVals(n, n+100, false)
			if n > 0 {
				y[0] = float32(math.NaN()) // positive NaN: passes
			}
			if n > 2 {
				y[1] = -float32(math.NaN()) // negative NaN: blocked
				y[2] = math.SmallestNonzeroFloat32
			}
			for i := range dy {
				if dy[i] == 0 {
					dy[i] = 1.5 // every blocked gradient is visible
				}
			}
			want := make([]float32, n)
			for i := range want {
				if int32(math.Float32bits(y[i])) > 0 {
					want[i] = dy[i]
				}
			}
			dz := mutGarbage(n)
			reluGrad(dz, dy, y)
			checkSame(t, fmt.Sprintf("n=%d", n), dz, want)
			reluGrad(dy, dy, y) // in place
			checkSame(t, fmt.Sprintf("n=%d in place", n), dy, want)
		}
		checkBadLengths(t, "reluGrad")
	})
}

func TestSIMDRefAddRows(t *testing.T) {
	simdMutPaths(t, func(t *testing.T) {
		for _, c := range []int{1, 3, 8, 12, 16} {
			for _, rows := range []int{0, 1, 2, 5} {
				src, dst := mutVals(rows*c, rows+c, false), mutVals(c, c, false)
				want := make([]float32, c)
				for j := range want {
					want[j] = dst[j]
					for r := 0; r < rows; r++ {
						want[j] += src[r*c+j]
					}
				}
				addRows(dst, src)
				checkSame(t, fmt.Sprintf("c=%d rows=%d", c, rows), dst, want)
			}
		}
		addRows(nil, []float32{1, 2, 3}) // rows of no values: nothing to do
		checkBadLengths(t, "addRows")
	})
}

// pool2Windows returns the 4 inputs of output (p, k) of a 2×2 pooling row
// in row-major order.
func pool2Windows(x0, x1 []float32, p, k, c int) [4]float32 {
	i := 2 * p * c
	return [4]float32{x0[i+k], x0[i+c+k], x1[i+k], x1[i+c+k]}
}

// firstMax is the first maximum of w: a later value wins only if greater.
func firstMax(w [4]float32) float32 {
	m := w[0]
	for _, v := range w[1:] {
		if v > m {
			m = v
		}
	}
	return m
}

// poolMutCase is the data of one 2×2 pooling row: ow pixels of c channels.
func poolMutCase(ow, c int, special bool) (x0, x1 []float32) {
	x0, x1 = mutVals(2*ow*c, ow+c, special), mutVals(2*ow*c, ow+c+50, special)
	if ow > 0 && c > 1 { // ±0 ties in either order, and a NaN first
		x0[0], x0[c], x1[0], x1[c] = 0, negZero, negZero, 0
		x0[1], x0[c+1], x1[1], x1[c+1] = negZero, -1, 0, -1
	}
	return x0, x1
}

func TestSIMDRefMaxPool2(t *testing.T) {
	simdMutPaths(t, func(t *testing.T) {
		for _, c := range []int{1, 3, 8, 12, 16} {
			for _, ow := range []int{0, 1, 3} {
				name := fmt.Sprintf("c=%d ow=%d", c, ow)
				x0, x1 := poolMutCase(ow, c, true)
				n := ow * c
				want := make([]float32, n)
				codes := make([]uint8, ow*codeBytes(c))
				for p := 0; p < ow; p++ {
					for k := 0; k < c; k++ {
						w := pool2Windows(x0, x1, p, k, c)
						m := firstMax(w)
						want[p*c+k] = m
						code := 3
						for i, v := range w {
							if v == m {
								code = i
								break
							}
						}
						codes[p*codeBytes(c)+k/8*2] |= uint8(code&1) << (k % 8)
						codes[p*codeBytes(c)+k/8*2+1] |= uint8(code>>1) << (k % 8)
					}
				}
				y := mutGarbage(n)
				maxPool2(y, x0, x1, c)
				checkSame(t, name+" maxPool2", y, want)

				y = mutGarbage(n)
				got := make([]uint8, len(codes))
				for i := range got {
					got[i] = 0xff
				}
				maxPool2Codes(y, got, x0, x1, c)
				checkSame(t, name+" maxPool2Codes y", y, want)
				if string(got) != string(codes) {
					t.Fatalf("%s: maxPool2Codes codes %08b, expected %08b", name, got, codes)
				}
			}
		}
		checkBadLengths(t, "maxPool2")
	})
}

func TestSIMDRefMaxPool2Back(t *testing.T) {
	simdMutPaths(t, func(t *testing.T) {
		for _, c := range []int{1, 3, 8, 12, 16} {
			for _, ow := range []int{0, 1, 3} {
				name := fmt.Sprintf("c=%d ow=%d", c, ow)
				x0, x1 := poolMutCase(ow, c, true)
				n := ow * c
				y, dy := make([]float32, n), make([]float32, n)
				want0, want1 := make([]float32, 2*n), make([]float32, 2*n)
				for p := 0; p < ow; p++ {
					for k := 0; k < c; k++ {
						w := pool2Windows(x0, x1, p, k, c)
						o := p*c + k
						y[o], dy[o] = firstMax(w), float32(o+1)
						dst := [4]*float32{&want0[2*p*c+k], &want0[2*p*c+c+k], &want1[2*p*c+k], &want1[2*p*c+c+k]}
						for i, v := range w {
							if v == y[o] { // the first input equal to the maximum; a NaN maximum routes nowhere
								*dst[i] = dy[o]
								break
							}
						}
					}
				}
				dx0, dx1 := mutGarbage(2*n), mutGarbage(2*n)
				maxPool2Back(dx0, dx1, x0, x1, y, dy, c)
				checkSame(t, name+" dx0", dx0, want0)
				checkSame(t, name+" dx1", dx1, want1)
			}
		}
		checkBadLengths(t, "maxPool2Back")
	})
}

func TestSIMDRefMaxPool2BackCodes(t *testing.T) {
	simdMutPaths(t, func(t *testing.T) {
		for _, c := range []int{1, 3, 8, 12, 16} {
			for _, ow := range []int{0, 1, 3} {
				name := fmt.Sprintf("c=%d ow=%d", c, ow)
				n, cb := ow*c, codeBytes(c)
				codes := make([]uint8, ow*cb)
				for i := range codes { // every code, and set bits past the c channels
					codes[i] = uint8(i*0x5b + 0x2d)
				}
				g := make([]float32, n)
				want0, want1 := make([]float32, 2*n), make([]float32, 2*n)
				for p := 0; p < ow; p++ {
					for k := 0; k < c; k++ {
						o := p*c + k
						g[o] = float32(o + 1)
						b := codes[p*cb+k/8*2]>>(k%8)&1 | codes[p*cb+k/8*2+1]>>(k%8)&1<<1
						dst := [4]*float32{&want0[2*p*c+k], &want0[2*p*c+c+k], &want1[2*p*c+k], &want1[2*p*c+c+k]}
						*dst[b] = g[o]
					}
				}
				dx0, dx1 := mutGarbage(2*n), mutGarbage(2*n)
				maxPool2BackCodes(dx0, dx1, g, codes, c)
				checkSame(t, name+" dx0", dx0, want0)
				checkSame(t, name+" dx1", dx1, want1)
			}
		}
		checkBadLengths(t, "maxPool2BackCodes")
	})
}

func TestSIMDRefCodeBytes(t *testing.T) {
	for c, want := range map[int]int{0: 0, 1: 2, 7: 2, 8: 2, 9: 4, 16: 4, 17: 6} {
		if got := codeBytes(c); got != want {
			t.Errorf("codeBytes(%d) = %d, expected %d", c, got, want)
		}
	}
}

func TestSIMDRefRMSprop(t *testing.T) {
	simdMutPaths(t, func(t *testing.T) {
		const lr, rho, eps = float32(0.125), float32(0.75), float32(0.5)
		for _, n := range []int{0, 1, 7, 8, 9, 17} {
			w, g, v := mutVals(n, n, false), mutVals(n, n+1, false), mutVals(n, n+2, false)
			for i := range v {
				v[i] = float32(math.Abs(float64(v[i])))
			}
			ww, wv := make([]float32, n), make([]float32, n)
			for j := range ww {
				vj := rho*v[j] + (1-rho)*(g[j]*g[j])
				wv[j] = vj
				ww[j] = w[j] - lr*g[j]/(float32(math.Sqrt(float64(vj)))+eps)
			}
			rmsprop(w, g, v, lr, rho, eps)
			checkSame(t, fmt.Sprintf("n=%d w", n), w, ww)
			checkSame(t, fmt.Sprintf("n=%d v", n), v, wv)
		}
		checkBadLengths(t, "rmsprop")
	})
}

func TestSIMDRefAxpyRows(t *testing.T) {
	simdMutPaths(t, func(t *testing.T) {
		for _, cols := range []int{0, 1, 5, 8, 13, 16} {
			for _, rows := range []int{0, 1, 3} {
				for _, pad := range []int{0, 2} {
					ldw := cols + pad
					name := fmt.Sprintf("cols=%d rows=%d ldw=%d", cols, rows, ldw)
					nw := 0
					if rows > 0 {
						nw = (rows-1)*ldw + cols
					}
					w, x := mutVals(nw, cols+rows, false), mutVals(rows, rows, false)
					// y is followed by sentinels: nothing past len(y) is written.
					buf := append(mutVals(cols, cols, false), 7, 7, 7, 7, 7, 7, 7, 7)
					y := buf[:cols:cols]
					for i := range x {
						if x[i] == 0 {
							x[i] = 1
						}
					}
					want := make([]float32, cols)
					for j := range want {
						s := float64(y[j])
						for r := range x {
							s += float64(x[r]) * float64(w[r*ldw+j])
						}
						want[j] = float32(s) // exact: quarters times quarters, small sums
					}
					axpyRows(y, w, x, ldw)
					for j := range y {
						if y[j] != want[j] {
							t.Fatalf("%s: y[%d] = %v, expected %v", name, j, y[j], want[j])
						}
					}
					for j, v := range buf[cols:] {
						if v != 7 {
							t.Fatalf("%s: axpyRows wrote %v at y[%d], past its end", name, v, cols+j)
						}
					}
				}
			}
		}
		checkBadLengths(t, "axpyRows")
	})
}

// simdBadLengths holds, per vector loop, calls with lengths that do not
// fit, one value short at a time: each must panic with "bad lengths" on
// both paths (the assembly would read or write past the slices).
var simdBadLengths = func() map[string][]func() {
	f := func(n int) []float32 { return make([]float32, n) }
	b := func(n int) []uint8 { return make([]uint8, n) }
	return map[string][]func(){
		"biasReLU": {
			func() { biasReLU(f(12), f(12), f(8)) }, // not whole rows
			func() { biasReLU(f(16), f(15), f(8)) },
		},
		"reluGrad": {
			func() { reluGrad(f(15), f(16), f(16)) },
			func() { reluGrad(f(16), f(15), f(16)) },
		},
		"addRows": {func() { addRows(f(8), f(12)) }},
		"maxPool2": {
			func() { maxPool2(f(12), f(32), f(32), 8) },
			func() { maxPool2(f(16), f(31), f(32), 8) },
			func() { maxPool2(f(16), f(32), f(31), 8) },
			func() { maxPool2Codes(f(12), b(4), f(32), f(32), 8) },
			func() { maxPool2Codes(f(16), b(4), f(31), f(32), 8) },
			func() { maxPool2Codes(f(16), b(4), f(32), f(31), 8) },
			func() { maxPool2Codes(f(16), b(3), f(32), f(32), 8) },
		},
		"maxPool2Back": {
			func() { maxPool2Back(f(32), f(32), f(32), f(32), f(12), f(16), 8) },
			func() { maxPool2Back(f(32), f(32), f(32), f(32), f(16), f(15), 8) },
			func() { maxPool2Back(f(31), f(32), f(32), f(32), f(16), f(16), 8) },
			func() { maxPool2Back(f(32), f(31), f(32), f(32), f(16), f(16), 8) },
			func() { maxPool2Back(f(32), f(32), f(31), f(32), f(16), f(16), 8) },
			func() { maxPool2Back(f(32), f(32), f(32), f(31), f(16), f(16), 8) },
		},
		"rmsprop": {
			func() { rmsprop(f(16), f(15), f(16), 1, 0.9, 1) },
			func() { rmsprop(f(16), f(16), f(15), 1, 0.9, 1) },
		},
		"axpyRows": {
			func() { axpyRows(f(8), f(64), f(2), 7) },    // ldw < cols
			func() { axpyRows(f(8), f(8+8+7), f(3), 8) }, // w one short
		},
		"maxPool2BackCodes": {
			func() { maxPool2BackCodes(f(32), f(32), f(12), b(4), 8) },
			func() { maxPool2BackCodes(f(31), f(32), f(16), b(4), 8) },
			func() { maxPool2BackCodes(f(32), f(31), f(16), b(4), 8) },
			func() { maxPool2BackCodes(f(32), f(32), f(16), b(3), 8) },
		},
	}
}()

// checkBadLengths runs fn's bad-length calls.
func checkBadLengths(t *testing.T, fn string) {
	t.Helper()
	for i, call := range simdBadLengths[fn] {
		func() {
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.Contains(s, "bad lengths") {
					t.Errorf("%s bad-length call %d: recovered %v, expected a \"bad lengths\" panic", fn, i, r)
				}
			}()
			call()
		}()
	}
}

// TestSIMDRefAxpyRowsFMA pins which rows round once: the assembly (taken
// for cols % 8 == 0 when the CPU has it) fuses each multiply-add, the Go
// loop rounds the product first. (1 + 2⁻¹²)² = 1 + 2⁻¹¹ + 2⁻²⁴ is a tie in
// float32 that rounds to 1 + 2⁻¹¹; minus 1 that leaves 2⁻¹¹ in Go, and
// 2⁻¹¹ + 2⁻²⁴ with one rounding.
func TestSIMDRefAxpyRowsFMA(t *testing.T) {
	a := float32(1 + 1.0/4096)
	fused, split := float32(1.0/2048+1.0/(1<<24)), float32(1.0/2048)
	simdMutPaths(t, func(t *testing.T) {
		for _, cols := range []int{5, 8, 13, 16, 72} {
			w, x, y := make([]float32, cols), []float32{a}, make([]float32, cols)
			for j := range w {
				w[j], y[j] = a, -1
			}
			want := split
			if useSIMD && cols%8 == 0 {
				want = fused
			}
			axpyRows(y, w, x, cols)
			for j, v := range y {
				if v != want {
					t.Fatalf("cols=%d: y[%d] = %g, expected %g", cols, j, v, want)
				}
			}
		}
	})
}
