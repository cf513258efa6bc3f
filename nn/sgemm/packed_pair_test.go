package sgemm

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestGemmPackedRowsPairs checks that GemmPackedRows gives the same C,
// bit for bit, with the pair kernel (pairTiles) as without: runs of one
// or two halves, an odd number of halves (the last multiplied alone),
// columns that are not whole panels, a column range starting past 0,
// beta 0 (C not read: NaNs stay out) and 1, alpha ≠ 1, a next matrix or
// none; runs of 14 or more rows (pair tiles first), a contiguous block
// whose kernel is streamed from memory (pairMinKernel), and shapes that
// take no pair tile.
func TestGemmPackedRowsPairs(t *testing.T) {
	for _, tc := range []struct {
		m, n, k, seg, stride, j0, j1 int
		alpha, beta                  float32
		next                         bool
	}{
		{61, 512, 1536, 7, 9, 0, 512, 1, 1, true},      // 7×7 padded map: 7 halves, the last alone
		{61, 512, 1536, 7, 9, 256, 512, 1, 0, false},   // a column block (2-worker split), beta 0, no next
		{222, 256, 768, 14, 16, 0, 256, 1, 1, true},    // 14×14: 28 halves
		{222, 256, 768, 14, 16, 32, 160, 0.5, 1, true}, // columns 32–160
		{45, 40, 50, 7, 9, 0, 40, 1, 1, false},         // 40 columns: a panel and 8
		{16, 70, 30, 7, 9, 0, 70, 2, 0, true},          // two halves, a partial panel
		{7, 64, 20, 7, 9, 0, 64, 1, 1, false},          // one half alone
		{42, 48, 33, 14, 28, 0, 48, 1, 1, true},        // k not a multiple of 4
		{25, 40, 50, 1, 3, 0, 40, 1, 1, true},          // no halves: plain tiles
		{59, 64, 100, 7, 9, 0, 64, 1, 1, true},         // last run partial
		{60, 64, 100, 13, 15, 0, 64, 1, 1, true},       // runs of 13: 7 + 6
		{811, 128, 192, 28, 29, 0, 128, 1, 1, true},    // 56→28 strided rows: runs of 28, two pair tiles each
		{209, 256, 384, 14, 15, 0, 256, 1, 1, true},    // 28→14: runs of 14
		{49, 512, 2304, 49, 49, 0, 512, 1, 1, true},    // 14→7 im2col: contiguous, 3 pair tiles + 7
		{49, 512, 2304, 49, 49, 256, 512, 1, 0, true},  // its second worker's column block
		{27, 64, 40, 27, 27, 0, 64, 1, 0, false},       // 14 + 13 (7 + 6)
		{100, 96, 400, 30, 33, 0, 96, 1, 1, true},      // runs of 30: 14 + 14 + 2
	} {
		name := fmt.Sprintf("%dx%dx%d/%d-%d/%d-%d/a%g-b%g", tc.m, tc.n, tc.k, tc.seg, tc.stride, tc.j0, tc.j1, tc.alpha, tc.beta)
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(5))
			fill := func(v []float32) []float32 { return fillSigned(v, rng) }
			a := fill(make([]float32, tc.m*tc.k))
			p := Pack(tc.k, tc.n, fill(make([]float32, tc.k*tc.n)), tc.n)
			var next *Packed
			if tc.next {
				next = Pack(tc.k, tc.n, fill(make([]float32, tc.k*tc.n)), tc.n)
			}
			w := tc.j1 - tc.j0
			want := fill(make([]float32, tc.m*w))
			if tc.beta == 0 {
				for i := range want {
					want[i] = float32(math.NaN())
				}
			}
			got := append([]float32(nil), want...)
			defer func(old bool) { pairTiles = old }(pairTiles)
			pairTiles = false
			GemmPackedRows(tc.m, tc.j0, tc.j1, tc.alpha, a, tc.k, p, tc.beta, want, w, next, tc.seg, tc.stride)
			pairTiles = true
			GemmPackedRows(tc.m, tc.j0, tc.j1, tc.alpha, a, tc.k, p, tc.beta, got, w, next, tc.seg, tc.stride)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("row %d, column %d: with pairs %g, expected %g", i/w, i%w, got[i], want[i])
				}
				if i/w%tc.stride < tc.seg && math.IsNaN(float64(got[i])) {
					t.Fatalf("row %d, column %d: NaN", i/w, i%w)
				}
			}
		})
	}
}

// TestPairHalves checks which run shapes the pair kernel takes.
func TestPairHalves(t *testing.T) {
	if best.runPair == nil {
		t.Skip("no pair kernel on this CPU")
	}
	for _, tc := range []struct{ m, seg, stride, want int }{
		{61, 7, 9, 7},    // 7×7 padded: 7 runs of one half
		{222, 14, 16, 0}, // 14×14: pair tiles of whole runs instead
		{16, 7, 9, 2},
		{59, 7, 9, 0},   // last run partial
		{60, 13, 15, 0}, // 13 is neither 7 nor 14
		{49, 7, 7, 0},   // contiguous rows: plain tiles
		{30, 21, 30, 0}, // three halves a run: pair tiles of whole runs
	} {
		if got := pairHalves(&best, tc.m, tc.seg, tc.stride); got != tc.want {
			t.Errorf("pairHalves(m %d, seg %d, stride %d) = %d, expected %d", tc.m, tc.seg, tc.stride, got, tc.want)
		}
	}
}

// BenchmarkPairTiles times GemmPackedNext on the packed products of
// ResNet-18's strided and 1×1 convolutions at batch 1 with the pair
// kernel on and off (pairs=1/0), alternating in one binary; cpu-ms/op is
// the CPU time per product.
//
//	GOMAXPROCS=1 go test ./nn/sgemm -run XXX -bench PairTiles -benchtime 200x
func BenchmarkPairTiles(b *testing.B) {
	for _, s := range []struct {
		name    string
		m, k, n int
	}{
		{"1x1s2_14-7", 49, 256, 512},
		{"im2col_14-7", 49, 2304, 512},
		{"1x1s2_28-14", 196, 128, 256},
		{"strided_56-28_row", 811, 192, 128},
		{"strided_28-14_row", 209, 384, 256},
	} {
		rng := rand.New(rand.NewSource(1))
		a := make([]float32, s.m*s.k)
		for i := range a {
			a[i] = rng.Float32()
		}
		kern := make([]float32, s.k*s.n)
		for i := range kern {
			kern[i] = rng.Float32()
		}
		p := Pack(s.k, s.n, kern, s.n)
		c := make([]float32, s.m*s.n)
		for _, on := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/pairs=%v", s.name, on), func(b *testing.B) {
				defer SetPairTiles(SetPairTiles(on))
				cpu0 := cpuTime()
				for b.Loop() {
					GemmPackedNext(s.m, 0, s.n, 1, a, s.k, p, 0, c, s.n, nil)
				}
				b.ReportMetric((cpuTime()-cpu0).Seconds()*1e3/float64(b.N), "cpu-ms/op")
			})
		}
	}
}
