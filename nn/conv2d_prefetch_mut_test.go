package nn

import (
	"math"
	"math/rand"
	"testing"

	"github.com/convscope/convscope/nn/sgemm"
)

// TestGemmPackedRowJunk checks gemmPackedRow's choice: the junk rows (not
// in a run of seg rows every stride rows) are skipped — left as they were
// — only when skipJunk is on, they are at least 1/8 of the rows, there are
// more rows than one run and the kernel row holds at least junkMinKernel
// values (512·256 here, exactly the threshold); otherwise every row is
// computed. The rows it computes are GemmPacked's, bit for bit.
func TestGemmPackedRowJunk(t *testing.T) {
	defer func(p, j bool) { prefetchNext, skipJunk = p, j }(prefetchNext, skipJunk)
	for _, tc := range []struct {
		name           string
		k, n, m        int
		seg, stride    int
		prefetch, skip bool
		skipped        bool
	}{
		{name: "1/8 junk, kernel of junkMinKernel", k: 512, n: 256, m: 16, seg: 7, stride: 8, prefetch: true, skip: true, skipped: true},
		{name: "1/9 junk", k: 512, n: 256, m: 18, seg: 8, stride: 9, prefetch: true, skip: true},
		{name: "kernel one row short", k: 511, n: 256, m: 16, seg: 7, stride: 8, prefetch: true, skip: true},
		{name: "skipJunk off", k: 512, n: 256, m: 16, seg: 7, stride: 8, prefetch: true},
		{name: "prefetchNext off", k: 512, n: 256, m: 16, seg: 7, stride: 8, skip: true},
		{name: "no junk (im2col)", k: 512, n: 256, m: 16, seg: 16, stride: 16, prefetch: true, skip: true},
	} {
		prefetchNext, skipJunk = tc.prefetch, tc.skip
		rng := rand.New(rand.NewSource(int64(tc.k + tc.m)))
		b := make([]float32, tc.k*tc.n)
		fillUniform(b, 1, rng)
		packs := []*sgemm.Packed{sgemm.Pack(tc.k, tc.n, b, tc.n), sgemm.Pack(tc.k, tc.n, b, tc.n)}
		a := make([]float32, tc.m*tc.k)
		fillUniform(a, 1, rng)
		want := make([]float32, tc.m*tc.n)
		sgemm.GemmPacked(tc.m, 0, tc.n, 1, a, tc.k, packs[0], 0, want, tc.n)
		got := make([]float32, tc.m*tc.n)
		for i := range got {
			got[i] = float32(math.NaN())
		}
		gemmPackedRow(tc.m, 0, tc.n, a, tc.k, packs, 0, 0, got, tc.n, tc.seg, tc.stride)
		for i := 0; i < tc.m; i++ {
			junk := i%tc.stride >= tc.seg
			for j := 0; j < tc.n; j++ {
				g := got[i*tc.n+j]
				if tc.skipped && junk {
					if !math.IsNaN(float64(g)) {
						t.Fatalf("%s: junk row %d was written", tc.name, i)
					}
				} else if math.Float32bits(g) != math.Float32bits(want[i*tc.n+j]) {
					t.Fatalf("%s: row %d, column %d = %g, GemmPacked %g", tc.name, i, j, g, want[i*tc.n+j])
				}
			}
		}
	}
}

// TestPackStrided pins which convolutions on the strided path multiply
// with packed kernels although nn/sgemm would not pack them: exactly four
// panels of filters (packStrided), with packAt4 on.
func TestPackStrided(t *testing.T) {
	defer func(a bool) { packAt4 = a }(packAt4)
	nr := sgemm.PanelWidth()
	for _, tc := range []struct {
		name    string
		filters int
		strides int
		at4     bool
		want    bool
	}{
		{name: "four panels", filters: 4 * nr, strides: 2, at4: true, want: true},
		{name: "four panels, packAt4 off", filters: 4 * nr, strides: 2},
		{name: "three panels", filters: 3 * nr, strides: 2, at4: true},
		{name: "five panels", filters: 5 * nr, strides: 2, at4: true},
		{name: "four panels, stride 1", filters: 4 * nr, strides: 1, at4: true},
	} {
		packAt4 = tc.at4
		c := NewConv2D(tc.filters, 3, 3, WithStrides(tc.strides, tc.strides), WithPads(1, 1, 1, 1))
		if _, err := c.Build([]int{20, 20, 16}); err != nil {
			t.Fatal(err)
		}
		c.setEngine(Engine{})
		if got := c.packStrided(); got != tc.want {
			t.Errorf("%s: packStrided = %v, expected %v", tc.name, got, tc.want)
		}
	}
}
