package sgemm

import (
	"fmt"
	"math"
	"testing"
)

// TestBufsFreeList checks the packing buffers' free list: a buffer given
// back is handed out again without allocating, for the same length or a
// shorter one (its capacity exactly the length asked for included), and
// the list keeps at most maxFree buffers.
func TestBufsFreeList(t *testing.T) {
	bufs.Lock()
	saved := bufs.free
	bufs.free = nil
	bufs.Unlock()
	defer func() {
		bufs.Lock()
		bufs.free = saved
		bufs.Unlock()
	}()
	b := getBuf(100)
	if len(*b) != 100 || cap(*b) != 100 {
		t.Fatalf("getBuf(100): len %d, cap %d", len(*b), cap(*b))
	}
	putBuf(b)
	for _, n := range []int{100, 60} {
		if allocs := testing.AllocsPerRun(10, func() { putBuf(getBuf(n)) }); allocs != 0 {
			t.Errorf("getBuf(%d) with a 100-float buffer free: %v allocations, expected 0", n, allocs)
		}
	}
	for range maxFree + 5 {
		putBuf(new([]float32))
	}
	if n := len(bufs.free); n != maxFree {
		t.Errorf("%d buffers given back: the list keeps %d, expected maxFree = %d", maxFree+6, n, maxFree)
	}
}

// TestPackBLayout checks packB against its contract: the kc×nc block of
// op(B) at (pc, jc) as consecutive kc×nr row-major panels, the last one's
// columns past nc zero (whatever the buffer held before), nothing written
// past the last panel; with and without the AVX-512 transpose, which
// takes every whole group of 16 columns of a panel.
func TestPackBLayout(t *testing.T) {
	type tcase struct {
		bTrans     bool
		nr, kc, nc int
		transpose  func(dst []float32, ldd int, src []float32, lds, nblk int)
	}
	cases := []tcase{
		{false, 8, 5, 20, nil}, {false, 8, 5, 16, nil},
		{true, 8, 5, 20, nil}, {true, 8, 5, 16, nil}, {true, 4, 3, 7, nil},
	}
	if hasAVX512Test() {
		cases = append(cases, tcase{true, 32, 20, 40, transposeAVX512}, tcase{true, 32, 37, 64, transposeAVX512}, tcase{true, 32, 9, 50, transposeAVX512})
	}
	const pc, jc, ldb = 2, 3, 90
	for _, tc := range cases {
		name := fmt.Sprintf("bTrans %v nr %d kc %d nc %d transpose %v", tc.bTrans, tc.nr, tc.kc, tc.nc, tc.transpose != nil)
		b := ramp(ldb*ldb, 0, 0.29)
		opB := func(p, j int) float32 {
			if tc.bTrans {
				return b[j*ldb+p]
			}
			return b[p*ldb+j]
		}
		panels := (tc.nc + tc.nr - 1) / tc.nr
		used := panels * tc.nr * tc.kc
		dst := make([]float32, used+3*tc.nr*tc.kc)
		nan := float32(math.NaN())
		for i := range dst {
			dst[i] = nan
		}
		// Every whole 16-column group of a panel goes through the
		// transpose (when kc ≥ 16): count its calls.
		tr, calls, wantCalls := tc.transpose, 0, 0
		if tr != nil {
			tr = func(dst []float32, ldd int, src []float32, lds, nblk int) {
				calls++
				tc.transpose(dst, ldd, src, lds, nblk)
			}
			if tc.kc >= 16 {
				for jr := 0; jr < tc.nc; jr += tc.nr {
					wantCalls += min(tc.nr, tc.nc-jr) / 16
				}
			}
		}
		packB(dst[:used], tc.bTrans, b, ldb, pc, jc, tc.kc, tc.nc, tc.nr, tr)
		if calls != wantCalls {
			t.Errorf("%s: %d transposes of 16 columns, expected %d", name, calls, wantCalls)
		}
		for jr := 0; jr < panels*tc.nr; jr += tc.nr {
			for p := 0; p < tc.kc; p++ {
				for j := 0; j < tc.nr; j++ {
					got := dst[jr*tc.kc+p*tc.nr+j]
					want := float32(0)
					if jr+j < tc.nc {
						want = opB(pc+p, jc+jr+j)
					}
					if got != want {
						t.Fatalf("%s: panel %d, row %d, column %d: %v, expected %v", name, jr/tc.nr, p, j, got, want)
					}
				}
			}
		}
		for i := used; i < len(dst); i++ {
			if !math.IsNaN(float64(dst[i])) {
				t.Fatalf("%s: value %d, past the %d panels, written: %v", name, i, panels, dst[i])
			}
		}
	}
}

// hasAVX512Test reports whether the AVX-512 transpose can run here.
func hasAVX512Test() bool {
	for _, k := range kernels() {
		if k.name == "avx512" {
			return true
		}
	}
	return false
}

// TestGemmTilesAndPacking checks two design rules of gemm with a
// recording micro-kernel (the Go kernel, which takes any tile size):
// rows are cut into ⌈m/mr⌉ tiles of nearly equal height (a short last
// tile hides the FMA latency badly), and B is packed exactly when it is
// transposed, when its rows are more than 4·nr apart, or when the kernel
// reads whole panels (padB) and n is not a multiple of nr; otherwise the
// kernel reads B in place (ldb as given, not nr).
func TestGemmTilesAndPacking(t *testing.T) {
	const mr, nr = 4, 8
	for _, tc := range []struct {
		m, n, ldb int
		bTrans    bool
		padB      bool
		heights   []int
		packed    bool
	}{
		{10, 20, 32, false, false, []int{4, 3, 3}, false},
		{10, 20, 33, false, false, []int{4, 3, 3}, true},
		{13, 20, 20, false, false, []int{4, 3, 3, 3}, false},
		{8, 20, 12, true, false, []int{4, 4}, true},
		{1, 16, 20, false, true, []int{1}, false},
		{5, 20, 24, false, true, []int{3, 2}, true},
	} {
		name := fmt.Sprintf("m %d n %d ldb %d bTrans %v padB %v", tc.m, tc.n, tc.ldb, tc.bTrans, tc.padB)
		var heights, ldbs []int
		rec := kernel{name: "rec", mr: mr, nr: nr, padB: tc.padB,
			run: func(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
				if len(ldbs) == 0 || ldbs[len(ldbs)-1] != ldb {
					ldbs = append(ldbs, ldb)
				}
				heights = append(heights, mr)
				kernelGo(mr, nr, k, a, rsa, csa, b, ldb, c, ldc, alpha, beta)
			}}
		const k = 6
		br, bc := k, tc.n
		if tc.bTrans {
			br, bc = tc.n, k
		}
		a := ramp(tc.m*k, 0, 0.31)
		b := ramp((br-1)*tc.ldb+bc, 0, 0.47)
		c := make([]float32, tc.m*tc.n)
		gemm(rec, false, tc.bTrans, tc.m, tc.n, k, 1, a, k, b, tc.ldb, 0, c, tc.n)
		// One call per panel for each tile (k ≤ kcMax and n ≤ ncMax:
		// one block of B): keep every ⌈n/nr⌉-th height.
		per := (tc.n + nr - 1) / nr
		if fmt.Sprint(tileHeights(heights, per)) != fmt.Sprint(tc.heights) {
			t.Errorf("%s: row tiles %v, expected %v", name, tileHeights(heights, per), tc.heights)
		}
		wantLdb := tc.ldb
		if tc.packed {
			wantLdb = nr
		}
		if len(ldbs) != 1 || ldbs[0] != wantLdb {
			t.Errorf("%s: the kernel read B with row strides %v, expected %d (packed %v)", name, ldbs, wantLdb, tc.packed)
		}
		for i := 0; i < tc.m; i++ {
			for j := 0; j < tc.n; j++ {
				var s float64
				for p := 0; p < k; p++ {
					bv := b[p*tc.ldb+j]
					if tc.bTrans {
						bv = b[j*tc.ldb+p]
					}
					s += float64(a[i*k+p]) * float64(bv)
				}
				if d := math.Abs(float64(c[i*tc.n+j]) - s); d > 1e-5*(1+math.Abs(s)) {
					t.Fatalf("%s: C[%d,%d] = %v, expected %v", name, i, j, c[i*tc.n+j], s)
				}
			}
		}
	}
}

// tileHeights keeps every per-th of the recorded tile heights: the
// kernel is called once per panel for each tile.
func tileHeights(h []int, per int) []int {
	var out []int
	for i := 0; i < len(h); i += per {
		out = append(out, h[i])
	}
	return out
}
