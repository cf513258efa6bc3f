package sgemm

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestGemmPacked compares GemmPacked with GemmOverlap on the same operands,
// for shapes with ragged panels and k blocks, column ranges and
// overlapping rows of A, and a reused packed buffer.
func TestGemmPacked(t *testing.T) {
	nr := PanelWidth()
	var p *Packed
	for _, tc := range []struct{ m, n, k, lda, j0, j1 int }{
		{1, 1, 1, 1, 0, 1},
		{7, 33, 5, 5, 0, 33},
		{61, 512, 1536, 512, 0, 512},
		{61, 512, 1536, 512, nr, 512 - 5},
		{222, 256, 768, 256, 2 * nr, 256},
		{13, 100, 900, 3, 0, 100}, // overlapping rows of A
		{40, 70, 385, 385, nr, 70},
	} {
		t.Run(fmt.Sprintf("%dx%dx%d", tc.m, tc.n, tc.k), func(t *testing.T) {
			rng := rand.New(rand.NewSource(1))
			a := make([]float32, (tc.m-1)*tc.lda+tc.k)
			b := make([]float32, tc.k*tc.n)
			for i := range a {
				a[i] = rng.Float32()*2 - 1
			}
			for i := range b {
				b[i] = rng.Float32()*2 - 1
			}
			w := tc.j1 - tc.j0
			want := make([]float32, tc.m*w)
			got := make([]float32, tc.m*w)
			for i := range want {
				want[i] = rng.Float32()
				got[i] = want[i]
			}
			GemmOverlap(false, false, tc.m, w, tc.k, 0.5, a, tc.lda, b[tc.j0:], tc.n, 2, want, w)
			p = PackInto(p, tc.k, tc.n, b, tc.n)
			GemmPacked(tc.m, tc.j0, tc.j1, 0.5, a, tc.lda, p, 2, got, w)
			for i := range want {
				if d := math.Abs(float64(got[i] - want[i])); d > 1e-4*(1+math.Abs(float64(want[i]))) {
					t.Fatalf("element %d: GemmPacked %g, GemmOverlap %g", i, got[i], want[i])
				}
			}
		})
	}
}

// TestGemmPackedPanics checks the argument checks.
func TestGemmPackedPanics(t *testing.T) {
	p := Pack(4, 40, make([]float32, 160), 40)
	for name, f := range map[string]func(){
		"j0 not a panel start": func() { GemmPacked(1, 1, 40, 1, make([]float32, 4), 4, p, 0, make([]float32, 39), 39) },
		"j1 past n":            func() { GemmPacked(1, 0, 41, 1, make([]float32, 4), 4, p, 0, make([]float32, 41), 41) },
		"short A":              func() { GemmPacked(2, 0, 40, 1, make([]float32, 4), 4, p, 0, make([]float32, 80), 40) },
		"short B":              func() { Pack(4, 40, make([]float32, 100), 40) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestRunPacked checks the micro-kernel GemmPacked calls (kernel.runPacked:
// on AVX-512, tiles that prefetch B) against kernel.run on every tile
// shape, with beta 0 and 1 and a depth that is not a multiple of the
// unrolling: the prefetches must not change a single bit.
func TestRunPacked(t *testing.T) {
	for _, kern := range kernels() {
		if kern.runPacked == nil {
			continue
		}
		rng := rand.New(rand.NewSource(7))
		const k, lda, ldb, ldc = 37, 40, 33, 35
		a := make([]float32, kern.mr*lda)
		b := make([]float32, k*ldb)
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
					kern.run(mr, nr, k, a, lda, 1, b, ldb, want, ldc, 0.5, beta)
					kern.runPacked(mr, nr, k, a, lda, 1, b, ldb, got, ldc, 0.5, beta)
					for i := range want {
						if got[i] != want[i] {
							t.Fatalf("%s %d×%d, beta %g: element %d: runPacked %g, run %g", kern.name, mr, nr, beta, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}
