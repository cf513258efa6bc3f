package render

import (
	"math"
	"slices"
	"testing"
)

// refStats computes a channel's statistics the slow, obvious way (two passes
// in float64), for comparison.
func refStats(act []float32, c, ch int) (mn, mx float32, mean, std, zf float64) {
	var xs []float64
	zeros := 0
	mn, mx = float32(math.Inf(1)), float32(math.Inf(-1))
	for p := ch; p < len(act); p += c {
		x := act[p]
		xs = append(xs, float64(x))
		mn, mx = min(mn, x), max(mx, x)
		if x == 0 {
			zeros++
		}
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		std += (x - mean) * (x - mean)
	}
	return mn, mx, mean, math.Sqrt(std / float64(len(xs))), float64(zeros) / float64(len(xs))
}

func TestStatsMatchReference(t *testing.T) {
	for _, sh := range [][3]int{{12, 10, 20}, {1, 1, 1}, {1, 1, 7}, {3, 5, 2}, {34, 34, 16}} {
		act := synthetic(sh[0], sh[1], sh[2])
		var s LayerStats
		s.Compute(act, sh[0], sh[1], sh[2], 8)
		for ch := range sh[2] {
			mn, mx, mean, std, zf := refStats(act, sh[2], ch)
			cs := s.Channels[ch]
			if cs.Min != mn || cs.Max != mx || cs.ZeroFrac != zf ||
				math.Abs(cs.Mean-mean) > 1e-9*(1+math.Abs(mean)) || math.Abs(cs.Std-std) > 1e-9*(1+std) {
				t.Errorf("%v ch %d: got %+v, want min %v max %v mean %v std %v zeros %v", sh, ch, cs, mn, mx, mean, std, zf)
			}
			if cs.Dead != (mn == 0 && mx == 0) || cs.Constant != (mn == mx) {
				t.Errorf("%v ch %d: dead %v constant %v for range [%v, %v]", sh, ch, cs.Dead, cs.Constant, mn, mx)
			}
			n := 0
			for _, k := range cs.Hist {
				n += k
			}
			if len(cs.Hist) != 8 || n != sh[0]*sh[1] {
				t.Errorf("%v ch %d: histogram %v does not count %d values", sh, ch, cs.Hist, sh[0]*sh[1])
			}
		}
	}
}

// TestStatsPathological: dead, constant, single-pixel, huge, negative and
// non-finite inputs give finite statistics and the right flags.
func TestStatsPathological(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	for _, tc := range []struct {
		name           string
		vals           []float32
		min, max       float32
		mean, std      float64
		dead, constant bool
		nonFinite      int
	}{
		{"zeros", []float32{0, 0, 0, 0}, 0, 0, 0, 0, true, true, 0},
		{"constant", []float32{2.5, 2.5, 2.5, 2.5}, 2.5, 2.5, 2.5, 0, false, true, 0},
		{"large constant", []float32{1e6 + 0.5, 1e6 + 0.5, 1e6 + 0.5, 1e6 + 0.5}, 1e6 + 0.5, 1e6 + 0.5, 1e6 + 0.5, 0, false, true, 0},
		{"negative", []float32{-1, -3, -1, -3}, -3, -1, -2, 1, false, false, 0},
		{"huge", []float32{3e38, -3e38, 3e38, -3e38}, -3e38, 3e38, 0, float64(float32(3e38)), false, false, 0},
		{"offset", []float32{1e6 + 1, 1e6 - 1, 1e6 + 1, 1e6 - 1}, 1e6 - 1, 1e6 + 1, 1e6, 1, false, false, 0},
		{"nan", []float32{nan, 1, 3, inf}, 1, 3, 2, 1, false, false, 2},
		{"all nan", []float32{nan, nan, nan, nan}, 0, 0, 0, 0, false, true, 4},
	} {
		var s LayerStats
		s.Compute(tc.vals, 2, 2, 1, 4)
		cs := s.Channels[0]
		if cs.Min != tc.min || cs.Max != tc.max || cs.Dead != tc.dead || cs.Constant != tc.constant || cs.NonFinite != tc.nonFinite ||
			math.Abs(cs.Mean-tc.mean) > 1e-9*(1+math.Abs(tc.mean)) || math.Abs(cs.Std-tc.std) > 1e-9*(1+tc.std) {
			t.Errorf("%s: got %+v", tc.name, cs)
		}
		if math.IsNaN(cs.Mean) || math.IsNaN(cs.Std) || math.IsInf(cs.Std, 0) {
			t.Errorf("%s: non-finite mean/std %v %v", tc.name, cs.Mean, cs.Std)
		}
	}
	var s LayerStats
	s.Compute([]float32{7}, 1, 1, 1, 3)
	if cs := s.Channels[0]; !cs.Constant || cs.Std != 0 || cs.Hist[0] != 1 {
		t.Errorf("1×1 map: %+v", cs)
	}
}

func TestLayerStats(t *testing.T) {
	act := synthetic(12, 10, 20)
	var s LayerStats
	s.Compute(act, 12, 10, 20, 0)
	if s.Dead != 1 || s.Constant != 2 || s.Channels[0].Hist != nil {
		t.Errorf("dead %d constant %d hist %v", s.Dead, s.Constant, s.Channels[0].Hist)
	}
	lo, hi := act[0], act[0]
	for _, x := range act {
		lo, hi = min(lo, x), max(hi, x)
	}
	if s.Min != lo || s.Max != hi {
		t.Errorf("layer range [%v, %v], want [%v, %v]", s.Min, s.Max, lo, hi)
	}
	if n := testing.AllocsPerRun(10, func() { s.Compute(act, 12, 10, 20, 0) }); n != 0 {
		t.Errorf("repeated Compute allocates %v times", n)
	}
}

func TestChannelHistogram(t *testing.T) {
	act := []float32{0, 1, 2, 3, 4, 5, 6, 7, -5, 100, float32(math.NaN()), 4}
	counts := make([]int, 4)
	ChannelHistogram(counts, act, 1, 12, 1, 0, 0, 8)
	if want := []int{3, 2, 3, 3}; !slices.Equal(counts, want) {
		t.Errorf("histogram %v, want %v (out-of-range values in the end bins, NaN skipped)", counts, want)
	}
}
