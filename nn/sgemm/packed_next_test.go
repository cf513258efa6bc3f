package sgemm

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestGemmPackedNext checks that GemmPackedNext gives GemmPacked's
// products bit for bit (the same kernels in the same order; only
// prefetches are added), for one and several k blocks and column blocks,
// column ranges, tiles below the prefetching kernels' rows, and a next
// matrix that fits, is narrower, or is absent.
func TestGemmPackedNext(t *testing.T) {
	nr := PanelWidth()
	for _, tc := range []struct{ m, n, k, nextN, j0, j1 int }{
		{61, 512, 1536, 512, 0, 512},
		{61, 512, 1536, 512, 4 * nr, 8 * nr},
		{222, 256, 768, 256, nr, 256},
		{49, 512, 2304, 0, 0, 512},
		{5, 100, 900, 100, 0, 100},   // tiles of 5 rows: no prefetching kernel
		{40, 1100, 400, 64, 0, 1100}, // two column blocks; next too narrow
		{13, 70, 385, 70, nr, 70},
	} {
		t.Run(fmt.Sprintf("%dx%dx%d", tc.m, tc.n, tc.k), func(t *testing.T) {
			rng := rand.New(rand.NewSource(2))
			fill := func(v []float32) []float32 { return fillSigned(v, rng) }
			a := fill(make([]float32, tc.m*tc.k))
			p := Pack(tc.k, tc.n, fill(make([]float32, tc.k*tc.n)), tc.n)
			var next *Packed
			if tc.nextN > 0 {
				next = Pack(tc.k, tc.nextN, fill(make([]float32, tc.k*tc.nextN)), tc.nextN)
			}
			w := tc.j1 - tc.j0
			want := fill(make([]float32, tc.m*w))
			got := append([]float32(nil), want...)
			GemmPacked(tc.m, tc.j0, tc.j1, 0.5, a, tc.k, p, 1, want, w)
			GemmPackedNext(tc.m, tc.j0, tc.j1, 0.5, a, tc.k, p, 1, got, w, next)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("element %d: GemmPackedNext %g, GemmPacked %g", i, got[i], want[i])
				}
			}
		})
	}
}

// TestRunNext checks the prefetching micro-kernel (kernel.runNext) against
// kernel.runPacked on every tile shape, bit for bit.
func TestRunNext(t *testing.T) {
	kern := best
	if kern.runNext == nil {
		t.Skipf("%s kernel has no runNext", kern.name)
	}
	rng := rand.New(rand.NewSource(3))
	k, lda, ldb, ldc := 37, 40, kern.nr, 33
	a := make([]float32, kern.mr*lda)
	b := make([]float32, k*ldb)
	pf := make([]float32, 4096)
	for i := range a {
		a[i] = rng.Float32()*2 - 1
	}
	for i := range b {
		b[i] = rng.Float32()*2 - 1
	}
	for mr := 1; mr <= kern.mr; mr++ {
		for nr := 1; nr <= kern.nr; nr++ {
			for _, beta := range []float32{0, 1} {
				want := make([]float32, mr*ldc)
				for i := range want {
					want[i] = rng.Float32()
				}
				got := append([]float32(nil), want...)
				kern.runPacked(mr, nr, k, a, lda, 1, b, ldb, want, ldc, 0.5, beta)
				kern.runNext(mr, nr, k, a, lda, 1, b, ldb, got, ldc, 0.5, beta, uintptrOf(pf))
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%d×%d, beta %g: element %d: runNext %g, runPacked %g", mr, nr, beta, i, got[i], want[i])
					}
				}
			}
		}
	}
}

// TestGemmPackedRows checks that GemmPackedRows computes the rows in runs
// of seg every stride rows bit for bit as GemmPacked does, and leaves the
// other rows of C alone.
func TestGemmPackedRows(t *testing.T) {
	for _, tc := range []struct{ m, n, k, seg, stride int }{
		{61, 512, 1536, 7, 9},   // a padded 7×7 map, 3 input channels per pixel
		{222, 256, 768, 14, 16}, // 14×14
		{30, 64, 100, 13, 13},   // contiguous
		{25, 40, 50, 1, 3},
		{100, 96, 400, 30, 33}, // runs of several tiles
	} {
		t.Run(fmt.Sprintf("%dx%dx%d/%d-%d", tc.m, tc.n, tc.k, tc.seg, tc.stride), func(t *testing.T) {
			rng := rand.New(rand.NewSource(4))
			fill := func(v []float32) []float32 {
				for i := range v {
					v[i] = rng.Float32()*2 - 1
				}
				return v
			}
			a := fill(make([]float32, tc.m*tc.k))
			p := Pack(tc.k, tc.n, fill(make([]float32, tc.k*tc.n)), tc.n)
			want := fill(make([]float32, tc.m*tc.n))
			got := append([]float32(nil), want...)
			orig := append([]float32(nil), want...)
			GemmPacked(tc.m, 0, tc.n, 1, a, tc.k, p, 1, want, tc.n)
			GemmPackedRows(tc.m, 0, tc.n, 1, a, tc.k, p, 1, got, tc.n, p, tc.seg, tc.stride)
			for i := range want {
				w := want[i]
				if i/tc.n%tc.stride >= tc.seg {
					w = orig[i]
				}
				if math.Float32bits(got[i]) != math.Float32bits(w) {
					t.Fatalf("row %d, column %d: GemmPackedRows %g, expected %g", i/tc.n, i%tc.n, got[i], w)
				}
			}
		})
	}
}

// fillSigned fills v with uniform values in [-1, 1) drawn from rng, in
// order, and returns it.
func fillSigned(v []float32, rng *rand.Rand) []float32 {
	for i := range v {
		v[i] = rng.Float32()*2 - 1
	}
	return v
}
