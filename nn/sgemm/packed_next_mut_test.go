package sgemm

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestGemmPackedRowsColumnBlocks runs GemmPackedRows with column blocks
// narrower than the range (ncMax of two panels, so jc > 0), a column
// range starting past 0 and no next matrix (the last block prefetches
// itself), on runs that take pair tiles (14 or more rows) and runs paired
// with the next (7 rows), with the pair kernel on and off: every computed
// row must be GemmPacked's (default blocking), bit for bit, and the other
// rows untouched.
func TestGemmPackedRowsColumnBlocks(t *testing.T) {
	nr := PanelWidth()
	for _, tc := range []struct {
		m, k, seg, stride, j0 int
		next                  bool
	}{
		{222, 100, 14, 16, 0, false},
		{100, 60, 30, 33, 1, false},
		{61, 100, 7, 9, 0, false},
		{61, 100, 7, 9, 1, true},
		{222, 100, 14, 16, 1, true},
		{45, 50, 14, 15, 0, false},
	} {
		n := 5*nr + 3
		j0, j1 := tc.j0*nr, n
		w := j1 - j0
		rng := rand.New(rand.NewSource(9))
		a := fillSigned(make([]float32, tc.m*tc.k), rng)
		p := Pack(tc.k, n, fillSigned(make([]float32, tc.k*n), rng), n)
		var next *Packed
		if tc.next {
			next = Pack(tc.k, n, fillSigned(make([]float32, tc.k*n), rng), n)
		}
		orig := fillSigned(make([]float32, tc.m*w), rng)
		want := append([]float32(nil), orig...)
		GemmPacked(tc.m, j0, j1, 0.5, a, tc.k, p, 1, want, w)
		for _, pairs := range []bool{true, false} {
			name := fmt.Sprintf("%dx%dx%d/%d-%d/j0 %d/next %v/pairs %v", tc.m, w, tc.k, tc.seg, tc.stride, j0, tc.next, pairs)
			got := append([]float32(nil), orig...)
			func() {
				defer setBlocking(kcMax, 2*nr)()
				defer SetPairTiles(SetPairTiles(pairs))
				GemmPackedRows(tc.m, j0, j1, 0.5, a, tc.k, p, 1, got, w, next, tc.seg, tc.stride)
			}()
			for i := range got {
				e := want[i]
				if i/w%tc.stride >= tc.seg {
					e = orig[i]
				}
				if math.Float32bits(got[i]) != math.Float32bits(e) {
					t.Fatalf("%s: row %d, column %d: %g, expected %g", name, i/w, i%w, got[i], e)
				}
			}
		}
	}
}

// TestNextBlock checks nextBlock, the values GemmPackedNext prefetches
// while it multiplies by block (jc, pc): the next rank-kc block of the
// same columns, else the first block of the next column block (up to
// 2·nc past jc), else next's first block of columns [j0, j0+min(nc, n)),
// else nothing. Each expected block is found by its content: in a packed
// block (pc, columns c0…) the first value is B[pc, c0] and the values
// are (kcb rows × whole panels), so B holds 1000·row + column + 1.
func TestNextBlock(t *testing.T) {
	nr := PanelWidth()
	defer setBlocking(4, ncMax)()
	const k = 10 // blocks of 4, 4 and 2 rows
	n := 5*nr + 5
	tagged := func(k, n int, off float32) []float32 {
		b := make([]float32, k*n)
		for r := range k {
			for c := range n {
				b[r*n+c] = off + float32(1000*r+c+1)
			}
		}
		return b
	}
	p := Pack(k, n, tagged(k, n, 0), n)
	next := Pack(k, 3*nr, tagged(k, 3*nr, 1e6), 3*nr)
	if p.kc != 4 {
		t.Fatalf("kc %d, expected 4", p.kc)
	}
	// block returns the expected slice's first value and length.
	block := func(q *Packed, off float32, pc, c0, c1 int) (first float32, length int) {
		kcb := min(q.kc, q.k-pc)
		c1 = min((c1+nr-1)/nr*nr, q.npad)
		return off + float32(1000*pc+c0+1), (c1 - c0) * kcb
	}
	nc := 2 * nr
	for _, tc := range []struct {
		name            string
		next            *Packed
		j0, jc, ncb, nc int
		n, pc           int
		q               *Packed // nil: no block
		off             float32
		qpc, c0, c1     int
	}{
		{"next rank-kc block", nil, nr, nr, nc, nc, n - nr, 0, p, 0, 4, 2 * nr, 4 * nr},
		{"into the short last block", nil, 0, 0, nc, nc, n, 4, p, 0, 8, 0, nc},
		{"next column block", nil, nr, 0, nc, nc, n - nr, 8, p, 0, 0, nr + nc, nr + 2*nc},
		{"next column block, short", nil, 0, nc, nc, nc, n, 8, p, 0, 0, 2 * nc, n},
		{"next matrix", next, nr, 2 * nc, n - nr - 2*nc, nc, n - nr, 8, next, 1e6, 0, nr, nr + nc},
		{"next matrix, narrow range", next, 0, 0, nr, nc, nr, 8, next, 1e6, 0, 0, nr},
		{"the last", nil, 0, 2 * nc, n - 2*nc, nc, n, 8, nil, 0, 0, 0, 0},
	} {
		got := nextBlock(p, tc.next, tc.j0, tc.jc, tc.ncb, tc.nc, tc.n, tc.pc)
		if tc.q == nil {
			if got != nil {
				t.Errorf("%s: %d values, expected none", tc.name, len(got))
			}
			continue
		}
		first, length := block(tc.q, tc.off, tc.qpc, tc.c0, tc.c1)
		if len(got) != length || len(got) == 0 || got[0] != first {
			var g0 float32
			if len(got) > 0 {
				g0 = got[0]
			}
			t.Errorf("%s: %d values from %g, expected %d from %g", tc.name, len(got), g0, length, first)
		}
	}
}

// TestRowTilesWide pins rowTilesWide, the number of row tiles gemmPacked
// cuts m rows into (runs of seg every stride rows, each into pair tiles
// of h2 rows while they fit, then tiles of at most mr), worked by hand.
func TestRowTilesWide(t *testing.T) {
	for _, tc := range []struct{ m, seg, stride, mr, h2, want int }{
		{61, 7, 9, 12, 0, 7},      // 7 runs of 7: a tile each
		{61, 7, 9, 12, 14, 7},     // runs shorter than a pair tile
		{222, 14, 16, 12, 14, 14}, // 14 runs of one pair tile
		{100, 30, 33, 12, 14, 10}, // 3 runs of 14 + 14 + 2, then a run of 1
		{49, 49, 49, 12, 14, 4},   // 3 pair tiles and 7 rows
		{30, 13, 13, 12, 0, 5},    // 13 = 12 + 1, twice, then 4
		{25, 1, 3, 12, 0, 9},      // 8 whole runs and a last row
		{59, 7, 9, 12, 14, 7},     // the last run cut to 5 rows
		{20, 7, 9, 12, 0, 3},      // the last run cut to 2 rows
	} {
		if got := rowTilesWide(tc.m, tc.seg, tc.stride, tc.mr, tc.h2); got != tc.want {
			t.Errorf("rowTilesWide(%d, %d, %d, %d, %d) = %d, expected %d", tc.m, tc.seg, tc.stride, tc.mr, tc.h2, got, tc.want)
		}
	}
}

// TestGemmPackedKernelChoice checks which micro-kernel entry gemmPacked
// calls, with best replaced by a copy of itself that counts its calls:
// GemmPacked the prefetching kernel (runPacked), GemmPackedNext the one
// that also prefetches the next block (runNext) and, for rows in runs
// with gaps (GemmPackedRows) or a B of pairMinKernel values or more
// streamed with a next block to prefetch, the pair kernel (runPair);
// contiguous rows of a smaller B, or of one just under the threshold,
// take no pair tile.
func TestGemmPackedKernelChoice(t *testing.T) {
	if best.runNext == nil || best.runPair == nil || best.runPacked == nil {
		t.Skipf("the %s kernel has no prefetching or pair entry", best.name)
	}
	real := best
	defer func() { best = real }()
	var run, runPacked, runNext, runPair int
	best.run = func(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
		run++
		real.run(mr, nr, k, a, rsa, csa, b, ldb, c, ldc, alpha, beta)
	}
	best.runPacked = func(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
		runPacked++
		real.runPacked(mr, nr, k, a, rsa, csa, b, ldb, c, ldc, alpha, beta)
	}
	best.runNext = func(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, pf uintptr) {
		runNext++
		real.runNext(mr, nr, k, a, rsa, csa, b, ldb, c, ldc, alpha, beta, pf)
	}
	best.runPair = func(nr, k int, a, a2 []float32, rsa int, b []float32, c, c2 []float32, ldc int, alpha, beta float32, pf uintptr) {
		runPair++
		real.runPair(nr, k, a, a2, rsa, b, c, c2, ldc, alpha, beta, pf)
	}
	rng := rand.New(rand.NewSource(11))
	small := Pack(40, 64, fillSigned(make([]float32, 40*64), rng), 64)
	const bigK, bigN = 1024, pairMinKernel / 1024
	bigB := fillSigned(make([]float32, bigK*bigN), rng)
	big := Pack(bigK, bigN, bigB, bigN)
	under := Pack(bigK-1, bigN, bigB, bigN)
	for _, tc := range []struct {
		name                             string
		call                             func(c []float32)
		run, runPacked, runNext, runPair bool // called at all
	}{
		{"GemmPacked", func(c []float32) {
			GemmPacked(28, 0, 64, 1, fillSigned(make([]float32, 28*40), rng), 40, small, 0, c, 64)
		}, false, true, false, false},
		{"GemmPackedNext, small B", func(c []float32) {
			GemmPackedNext(28, 0, 64, 1, fillSigned(make([]float32, 28*40), rng), 40, small, 0, c, 64, small)
		}, false, false, true, false},
		{"GemmPackedRows, runs of 14 every 15", func(c []float32) {
			GemmPackedRows(29, 0, 64, 1, fillSigned(make([]float32, 29*40), rng), 40, small, 0, c, 64, nil, 14, 15)
		}, false, false, false, true},
		{"GemmPackedRows, contiguous, small B", func(c []float32) {
			GemmPackedRows(28, 0, 64, 1, fillSigned(make([]float32, 28*40), rng), 40, small, 0, c, 64, small, 28, 28)
		}, false, false, true, false},
		{"GemmPackedNext, B of pairMinKernel values", func(c []float32) {
			GemmPackedNext(28, 0, bigN, 1, fillSigned(make([]float32, 28*bigK), rng), bigK, big, 0, c, bigN, big)
		}, false, false, false, true},
		{"GemmPackedNext, B one row short of it", func(c []float32) {
			GemmPackedNext(28, 0, bigN, 1, fillSigned(make([]float32, 28*bigK), rng), bigK, under, 0, c, bigN, under)
		}, false, false, true, false},
	} {
		run, runPacked, runNext, runPair = 0, 0, 0, 0
		tc.call(make([]float32, 29*bigN))
		got := [4]bool{run > 0, runPacked > 0, runNext > 0, runPair > 0}
		if want := [4]bool{tc.run, tc.runPacked, tc.runNext, tc.runPair}; got != want {
			t.Errorf("%s: run, runPacked, runNext, runPair called %v (%d, %d, %d, %d), expected %v", tc.name, got, run, runPacked, runNext, runPair, want)
		}
	}
}

// TestGemmPackedPrefetchSpread checks where the prefetching kernels are
// told to prefetch (best swapped for a copy that records the addresses):
// the calls of one block share out the block to prefetch — the next one,
// or, for the last block with no next matrix, the current block's own
// columns — each call a 64-byte line further in, the first call at its
// start; on the runNext tiles, on pair tiles and on paired runs.
func TestGemmPackedPrefetchSpread(t *testing.T) {
	if best.runNext == nil || best.runPair == nil {
		t.Skipf("the %s kernel has no prefetching or pair entry", best.name)
	}
	real := best
	defer func() { best = real }()
	var pfs []uintptr
	best.runNext = func(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, pf uintptr) {
		pfs = append(pfs, pf)
		real.runNext(mr, nr, k, a, rsa, csa, b, ldb, c, ldc, alpha, beta, pf)
	}
	best.runPair = func(nr, k int, a, a2 []float32, rsa int, b []float32, c, c2 []float32, ldc int, alpha, beta float32, pf uintptr) {
		pfs = append(pfs, pf)
		real.runPair(nr, k, a, a2, rsa, b, c, c2, ldc, alpha, beta, pf)
	}
	nr := PanelWidth()
	const k = 40 // one block of B
	rng := rand.New(rand.NewSource(13))
	n := 3 * nr
	p := Pack(k, n, fillSigned(make([]float32, k*n), rng), n)
	next := Pack(k, n, fillSigned(make([]float32, k*n), rng), n)
	a := fillSigned(make([]float32, 29*k), rng)
	c := make([]float32, 29*n)
	for _, tc := range []struct {
		name   string
		call   func()
		region []float32 // the values prefetched
		calls  int
	}{
		{"runNext tiles, next matrix", func() { GemmPackedNext(28, 0, 2*nr, 1, a, k, p, 0, c, n, next) }, next.data[:2*nr*k], 3 * 2},
		{"pair tiles, next matrix", func() { GemmPackedRows(29, 0, 2*nr, 1, a, k, p, 0, c, n, next, 14, 15) }, next.data[:2*nr*k], 2 * 2},
		{"pair tiles, last block", func() { GemmPackedRows(29, nr, 3*nr, 1, a, k, p, 0, c, n, nil, 14, 15) }, p.data[nr*k : 3*nr*k], 2 * 2},
		{"paired runs, next matrix", func() { GemmPackedRows(16, 0, 2*nr, 1, a, k, p, 0, c, n, next, 7, 9) }, next.data[:2*nr*k], 1 * 2},
		{"paired runs, last block", func() { GemmPackedRows(16, nr, 3*nr, 1, a, k, p, 0, c, n, nil, 7, 9) }, p.data[nr*k : 3*nr*k], 1 * 2},
	} {
		pfs = pfs[:0]
		tc.call()
		lo, hi := uintptrOf(tc.region), uintptrOf(tc.region)+uintptr(4*len(tc.region))
		if len(pfs) != tc.calls || len(pfs) == 0 {
			t.Errorf("%s: %d prefetching calls, expected %d", tc.name, len(pfs), tc.calls)
			continue
		}
		if pfs[0] != lo {
			t.Errorf("%s: the first call prefetches from %#x, expected the region's start %#x", tc.name, pfs[0], lo)
		}
		for i, pf := range pfs {
			if pf < lo || pf >= hi || (pf-lo)%64 != 0 || i > 0 && pf < pfs[i-1]+64 {
				t.Errorf("%s: call %d prefetches from %#x (region %#x–%#x, previous %#x): expected a later line of the region", tc.name, i, pf, lo, hi, pfs[max(i-1, 0)])
			}
		}
	}
}
