//go:build amd64 && !purego

package sgemm

import (
	"fmt"
	"math"
	"testing"
)

// kernelCall is one micro-kernel call with the strides of its operands,
// for TestKernelBounds.
type kernelCall struct {
	mr, nr, k     int
	rsa, csa      int
	ldb, ldc      int
	beta          float32
	lenA, lenB    int // the shortest slices the call may be given
	lenC, lenA2   int // lenA2: the pair kernel's second A (else 0)
	pairC2        bool
	rows, rows2nd int // rows of C written: mr, or pairRows in each half
}

// mustPanic reports whether f panics.
func mustPanic(f func()) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	f()
	return false
}

// ramp returns n values in [-1, 1) that follow no short period, inside a
// backing array of n+extra (so that a kernel reading or writing past the
// slice, as a mutant that lets a short slice through does, stays in
// memory the test owns).
func ramp(n, extra int, step float32) []float32 {
	s := make([]float32, n+extra)
	fillRampS(s, step)
	return s[:n]
}

func fillRampS(v []float32, step float32) {
	x := float32(0)
	for i := range v {
		x += step
		x -= 2 * float32(int(x+1)/2)
		v[i] = x
	}
}

// TestKernelBounds checks the argument checks in front of every assembly
// entry point (kernel_amd64.go): each call runs with slices of exactly
// the length the tile reads or writes (and computes the right tile, the
// columns of C past nr untouched), and panics when any one of them is one
// element shorter. The strides are all different and larger than 1 where
// the layout allows, so that each term of each bound counts.
func TestKernelBounds(t *testing.T) {
	if !hasAVX512() {
		t.Skip("no AVX-512 on this machine: the avx512 entry points cannot run")
	}
	type entry struct {
		name  string
		run   func(c kernelCall, a, a2, b, c1, c2 []float32)
		calls []kernelCall
	}
	runner := func(f func(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32)) func(c kernelCall, a, a2, b, c1, c2 []float32) {
		return func(c kernelCall, a, _, b, c1, _ []float32) {
			f(c.mr, c.nr, c.k, a, c.rsa, c.csa, b, c.ldb, c1, c.ldc, 0.5, c.beta)
		}
	}
	pf := make([]float32, 4096)
	next := func(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
		kernelAVX512Next(mr, nr, k, a, rsa, csa, b, ldb, c, ldc, alpha, beta, uintptrOf(pf))
	}
	// plain returns a call for the plain kernels, with the shortest lengths
	// the contract of kernel.run gives (padB: all 16 columns of B).
	plain := func(mr, nr, k, rsa, csa, ldb, ldc int, beta float32, padB bool) kernelCall {
		lb := (k-1)*ldb + nr
		if padB {
			lb = (k-1)*ldb + 16
		}
		return kernelCall{mr: mr, nr: nr, k: k, rsa: rsa, csa: csa, ldb: ldb, ldc: ldc, beta: beta,
			lenA: (mr-1)*rsa + (k-1)*csa + 1, lenB: lb, lenC: (mr-1)*ldc + nr, rows: mr}
	}
	avx512Calls := func(minRows int) []kernelCall {
		var cs []kernelCall
		for _, mr := range []int{1, minRows - 1, minRows, 12} {
			if mr < 1 {
				continue
			}
			for _, nr := range []int{1, 16, 17, 32} {
				for _, k := range []int{1, 5} {
					cs = append(cs,
						plain(mr, nr, k, 41, 1, 37, 35, 0, false), // A row-major
						plain(mr, nr, k, 1, 43, 39, 36, 1, false), // A column-major
					)
				}
			}
		}
		return cs
	}
	var avx2Calls []kernelCall
	for _, mr := range []int{1, 3, 6} {
		for _, nr := range []int{1, 15, 16} {
			for _, k := range []int{1, 5} {
				avx2Calls = append(avx2Calls,
					plain(mr, nr, k, 41, 1, 37, 35, 0.5, true),
					plain(mr, nr, k, 1, 43, 39, 36, 0, true))
			}
		}
	}
	var pairCalls []kernelCall
	for _, nr := range []int{1, 16, 17, 32} {
		for _, k := range []int{1, 5} {
			for _, rsa := range []int{1, 41} {
				const h = 7
				la := (h-1)*rsa + k
				pairCalls = append(pairCalls, kernelCall{mr: 2 * h, nr: nr, k: k, rsa: rsa, csa: 1, ldb: 32, ldc: 35, beta: 1,
					lenA: la, lenA2: la, lenB: (k-1)*32 + nr, lenC: (h-1)*35 + nr, pairC2: true, rows: h, rows2nd: h})
			}
		}
	}
	entries := []entry{
		{"kernelAVX512", runner(kernelAVX512), avx512Calls(1)},
		{"kernelAVX512Packed", runner(kernelAVX512Packed), avx512Calls(avx512PackedMinRows)},
		{"kernelAVX512Next", runner(next), avx512Calls(avx512NextMinRows)},
		{"kernelAVX2", runner(kernelAVX2), avx2Calls},
		{"kernelAVX512Pair", func(c kernelCall, a, a2, b, c1, c2 []float32) {
			kernelAVX512Pair(c.nr, c.k, a, a2, c.rsa, b, c1, c2, c.ldc, 0.5, c.beta, uintptrOf(pf))
		}, pairCalls},
	}
	if !hasAVX2FMA() {
		entries = entries[:3]
	}
	for _, en := range entries {
		for _, c := range en.calls {
			name := fmt.Sprintf("%s/%dx%d/k%d/rsa%d/csa%d", en.name, c.mr, c.nr, c.k, c.rsa, c.csa)
			// shrink: which slice is one element short (0: none).
			for shrink := 0; shrink <= 5; shrink++ {
				lens := [5]int{c.lenA, c.lenA2, c.lenB, c.lenC, 0}
				if c.pairC2 {
					lens[4] = c.lenC
				}
				if shrink > 0 {
					if lens[shrink-1] == 0 {
						continue
					}
					lens[shrink-1]--
				}
				const extra = 64 * 64
				a := ramp(lens[0], extra, 0.37)
				a2 := ramp(lens[1], extra, 0.53)
				b := ramp(lens[2], extra, 0.71)
				c1 := ramp(lens[3], extra, 0.29)
				c2 := ramp(lens[4], extra, 0.43)
				c10, c20 := append([]float32(nil), c1...), append([]float32(nil), c2...)
				call := func() { en.run(c, a, a2, b, c1, c2) }
				if shrink > 0 {
					if !mustPanic(call) {
						t.Errorf("%s: slice %d one element short: no panic", name, shrink)
					}
					continue
				}
				if mustPanic(call) {
					t.Errorf("%s: panics with slices of the exact length", name)
					continue
				}
				// The tile, against a float64 product; the rest of C as it was.
				half := func(aa, cc, c0 []float32, rows int) {
					for i := 0; i < rows; i++ {
						for j := 0; i*c.ldc+j < len(cc) && j < c.ldc; j++ {
							got, old := cc[i*c.ldc+j], c0[i*c.ldc+j]
							if j >= c.nr {
								if got != old {
									t.Fatalf("%s: C[%d,%d] past the tile changed: %v, was %v", name, i, j, got, old)
								}
								continue
							}
							var s, mag float64
							for p := 0; p < c.k; p++ {
								x := float64(aa[i*c.rsa+p*c.csa]) * float64(b[p*c.ldb+j])
								s, mag = s+x, mag+math.Abs(x)
							}
							want := 0.5*s + float64(c.beta)*float64(old)
							tol := math.Ldexp(1, -22) * float64(c.k+2) * (mag + math.Abs(float64(old)))
							if math.Abs(float64(got)-want) > tol+1e-30 {
								t.Fatalf("%s: C[%d,%d] = %v, expected %v", name, i, j, got, want)
							}
						}
					}
				}
				half(a, c1, c10, c.rows)
				if c.pairC2 {
					half(a2, c2, c20, c.rows2nd)
				}
			}
		}
	}
}

// TestTransposeBounds checks transposeAVX512: with slices of exactly the
// length it reads and writes it transposes nblk blocks of 16×16, and it
// panics when either is one element shorter or nblk < 1.
func TestTransposeBounds(t *testing.T) {
	if !hasAVX512() {
		t.Skip("no AVX-512 on this machine")
	}
	for _, tc := range []struct{ ldd, lds, nblk int }{{40, 50, 1}, {40, 50, 2}, {16, 33, 3}, {19, 16, 1}} {
		ld := (16*tc.nblk-1)*tc.ldd + 16
		ls := 15*tc.lds + 16*tc.nblk
		for shrink := 0; shrink <= 2; shrink++ {
			dst := ramp(ld, 4096, 0.31)
			src := ramp(ls, 4096, 0.57)
			if shrink == 1 {
				dst = dst[:ld-1]
			}
			if shrink == 2 {
				src = src[:ls-1]
			}
			call := func() { transposeAVX512(dst, tc.ldd, src, tc.lds, tc.nblk) }
			if shrink > 0 {
				if !mustPanic(call) {
					t.Errorf("%+v: slice %d one element short: no panic", tc, shrink)
				}
				continue
			}
			if mustPanic(call) {
				t.Fatalf("%+v: panics with slices of the exact length", tc)
			}
			for p := 0; p < 16*tc.nblk; p++ {
				for j := 0; j < 16; j++ {
					if dst[p*tc.ldd+j] != src[j*tc.lds+p] {
						t.Fatalf("%+v: dst[%d·ldd+%d] = %v, expected src[%d·lds+%d] = %v", tc, p, j, dst[p*tc.ldd+j], j, p, src[j*tc.lds+p])
					}
				}
			}
		}
	}
	if !mustPanic(func() { transposeAVX512(make([]float32, 4096), 16, make([]float32, 4096), 16, 0) }) {
		t.Error("nblk 0: no panic")
	}
}

// TestAVX2FullTileDirect checks that kernelAVX2 stores a tile of the
// full 16 columns straight from the tile function into C, C exactly as
// long as the tile needs included, and takes the scratch tile only for
// narrower tiles. The two ways round differently with beta ≠ 0 (the
// tile function folds beta·C into its result, the scratch copy adds
// beta·C in Go: up to an ulp apart), so the choice is visible: C must
// be, bit for bit, what the tile function writes.
func TestAVX2FullTileDirect(t *testing.T) {
	if !hasAVX2FMA() {
		t.Skip("no AVX2 and FMA on this machine")
	}
	const k, ldb, ldc = 7, 21, 37
	for layout, st := range [][2]int{{k + 2, 1}, {1, 9}} {
		rsa, csa := st[0], st[1]
		for mr := 1; mr <= 6; mr++ {
			a := ramp((mr-1)*rsa+(k-1)*csa+1, 64, 0.37)
			b := ramp((k-1)*ldb+16, 64, 0.71)
			got := ramp((mr-1)*ldc+16, 64, 0.29)
			want := append([]float32(nil), got...)
			kernelAVX2(mr, 16, k, a, rsa, csa, b, ldb, got, ldc, 0.3, 0.7)
			avx2Tiles[layout][mr-1](k, &a[0], rsa, csa, &b[0], ldb, &want[0], ldc, 0.3, 0.7)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("layout %d, %d rows: C[%d] = %v, expected the tile function's %v", layout, mr, i, got[i], want[i])
				}
			}
		}
	}
}

// TestAVX512TileChoice checks which assembly tile each AVX-512 entry
// point picks, with the chosen entry of its table replaced by a counting
// wrapper: 16 columns or fewer take the one-vector tile (16 exactly
// included: the two-vector tile with the upper half masked off gives the
// same values, slower), and kernelAVX512Packed and kernelAVX512Next take
// their prefetching tiles from avx512PackedMinRows and avx512NextMinRows
// rows on (exactly that many included).
func TestAVX512TileChoice(t *testing.T) {
	if !hasAVX512() {
		t.Skip("no AVX-512 on this machine")
	}
	const k, ld = 5, 40
	a, b, c := ramp(12*ld, 0, 0.37), ramp(k*ld, 0, 0.71), ramp(12*ld, 0, 0.29)
	type tile = func(k int, a *float32, rsa, csa int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, mask uint32)
	count := func(slot *tile) (calls *int, restore func()) {
		old, n := *slot, new(int)
		*slot = func(k int, a *float32, rsa, csa int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, mask uint32) {
			*n++
			old(k, a, rsa, csa, b, ldb, c, ldc, alpha, beta, mask)
		}
		return n, func() { *slot = old }
	}
	for _, tc := range []struct {
		name string
		slot *tile
		call func()
	}{
		{"kernelAVX512 3×16", &avx512Tiles[0][0][2], func() { kernelAVX512(3, 16, k, a, ld, 1, b, ld, c, ld, 1, 0) }},
		{"kernelAVX512Packed 9×16", &avx512PackedTiles[0][9-avx512PackedMinRows], func() { kernelAVX512Packed(9, 16, k, a, ld, 1, b, ld, c, ld, 1, 0) }},
		{"kernelAVX512Packed 8×20", &avx512PackedTiles[1][0], func() { kernelAVX512Packed(avx512PackedMinRows, 20, k, a, ld, 1, b, ld, c, ld, 1, 0) }},
	} {
		n, restore := count(tc.slot)
		tc.call()
		restore()
		if *n != 1 {
			t.Errorf("%s: the expected tile ran %d times, expected once", tc.name, *n)
		}
	}
	pf := make([]float32, 1024)
	type qtile = func(k int, a *float32, rsa, csa int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, mask uint32, pf uintptr)
	for _, tc := range []struct {
		name string
		slot *qtile
		mr   int
		nr   int
	}{
		{"kernelAVX512Next 5×16", &avx512NextTiles[0][5-avx512NextMinRows], 5, 16},
		{"kernelAVX512Next 4×20", &avx512NextTiles[1][0], avx512NextMinRows, 20},
	} {
		old, n := *tc.slot, 0
		*tc.slot = func(k int, a *float32, rsa, csa int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, mask uint32, p uintptr) {
			n++
			old(k, a, rsa, csa, b, ldb, c, ldc, alpha, beta, mask, p)
		}
		kernelAVX512Next(tc.mr, tc.nr, k, a, ld, 1, b, ld, c, ld, 1, 0, uintptrOf(pf))
		*tc.slot = old
		if n != 1 {
			t.Errorf("%s: the expected tile ran %d times, expected once", tc.name, n)
		}
	}
}
