package nn

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestMaxRowsInto checks MaxRowsInto against maxIntoGo row by row, bit for
// bit, for channel counts on and off the AVX2 path (multiples of 8 with and
// without a 32-channel chunk, and not), one row and many, a trailing
// partial row (ignored) and NaNs in both operands (a NaN in dst stays, one
// in src never wins).
func TestMaxRowsInto(t *testing.T) {
	nan := float32(math.NaN())
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ c, rows, extra int }{
		{8, 1, 0}, {8, 17, 3}, {16, 5, 0}, {24, 9, 0}, {32, 1, 0}, {32, 16, 0},
		{40, 7, 5}, {64, 16, 0}, {72, 3, 0}, {128, 15, 0}, {3, 4, 2}, {5, 1, 0}, {12, 6, 0},
	} {
		src := make([]float32, tc.c*tc.rows+tc.extra)
		for i := range src {
			src[i] = r.Float32()*2 - 1
			if i%37 == 5 {
				src[i] = nan
			}
		}
		dst := make([]float32, tc.c)
		for i := range dst {
			dst[i] = r.Float32()*2 - 1
			if i%11 == 3 {
				dst[i] = nan
			}
		}
		want := append([]float32(nil), dst...)
		for q := range tc.rows {
			maxIntoGo(want, src[q*tc.c:(q+1)*tc.c])
		}
		got := append([]float32(nil), dst...)
		MaxRowsInto(got, src)
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("c %d, rows %d: dst[%d] = %v, want %v", tc.c, tc.rows, i, got[i], want[i])
			}
		}
	}
	MaxRowsInto(nil, []float32{1}) // no channels: nothing to do
	d := []float32{1, 2}
	MaxRowsInto(d, []float32{5}) // no whole row: unchanged
	if d[0] != 1 || d[1] != 2 {
		t.Fatalf("partial row changed dst: %v", d)
	}
}
