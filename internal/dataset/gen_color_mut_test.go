package dataset

import "testing"

// contrasting keeps a colour whose luma is at least gap beyond both
// background colours: exactly gap beyond is enough. The background is made
// of the very colour the scene's stream draws first, so with gap 0 that
// colour sits exactly at the bound and is kept (on either polarity); with a
// gap of 1e-12 it falls just short and a later colour is returned. The
// first draw is read from a copy of the scene's stream.
func TestContrastingAtGap(t *testing.T) {
	for _, c := range []struct {
		seed  uint64
		light bool
		gap   float64
		first bool // whether the first colour drawn is returned
	}{
		{1, true, 0, true},
		{1, false, 0, true},
		{2, true, 0, true},
		{2, false, 0, true},
		{1, true, 1e-12, false},
		{1, false, 1e-12, false},
		{2, true, 1e-12, false},
		{2, false, 1e-12, false},
	} {
		var s scene
		s.rng.Seed(c.seed, 7)
		probe := s
		first := hsv(probe.uniform(0, 1), probe.uniform(0, 1), probe.uniform(0, 1))
		s.bg.c1, s.bg.c2 = first, first
		got := s.contrasting(c.light, c.gap)
		if (got == first) != c.first {
			t.Errorf("seed %d, light %v, gap %g: got %v, first colour drawn %v (luma %v); want it returned: %v",
				c.seed, c.light, c.gap, got, first, lumaF(first), c.first)
		}
	}
}

// hsv at the six sectors' centres and edges, worked by hand: hue h·6 picks
// the sector, the fractional part f ramps the third component.
func TestHSV(t *testing.T) {
	for _, c := range []struct {
		h, s, v float64
		want    [3]float64
	}{
		{0, 1, 1, [3]float64{1, 0, 0}},
		{1.0 / 6, 1, 1, [3]float64{1, 1, 0}},
		{0.25, 1, 1, [3]float64{0.5, 1, 0}},
		{2.0 / 6, 1, 1, [3]float64{0, 1, 0}},
		{0.5, 1, 1, [3]float64{0, 1, 1}},
		{4.0 / 6, 1, 1, [3]float64{0, 0, 1}},
		{0.75, 1, 1, [3]float64{0.5, 0, 1}},
		{5.0 / 6, 1, 1, [3]float64{1, 0, 1}},
		{0.25, 0.5, 0.5, [3]float64{0.375, 0.5, 0.25}},
		{0.5, 0, 0.25, [3]float64{0.25, 0.25, 0.25}},
	} {
		got := hsv(c.h, c.s, c.v)
		for i := range got {
			if d := got[i] - c.want[i]; d > 1e-12 || d < -1e-12 {
				t.Errorf("hsv(%v, %v, %v) = %v, want %v", c.h, c.s, c.v, got, c.want)
				break
			}
		}
	}
}
