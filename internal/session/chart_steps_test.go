package session

import (
	"math"
	"slices"
	"testing"
	"time"
)

// NiceTicks' step is 1, 2, 5 or 10 times the power of ten at or below
// the raw step (hi − lo)/(n − 1); a raw step of exactly 1, 2 or 5 times
// that power is itself the step. Hand-worked: (0, 3, 4) has raw step 1, so
// ticks 0, 1, 2, 3; (0, 4.5, 4) raw 1.5 → 2; (0, 9, 4) raw 3 → 5;
// (0, 21, 4) raw 7 → 10. Fewer than 2 ticks asked for means 2.
func TestNiceTicksSteps(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
		want   []float64
		step   float64
	}{
		{0, 3, 4, []float64{0, 1, 2, 3}, 1},      // raw 1
		{0, 4.5, 4, []float64{0, 2, 4, 6}, 2},    // raw 1.5
		{0, 6, 4, []float64{0, 2, 4, 6}, 2},      // raw 2
		{0, 60, 4, []float64{0, 20, 40, 60}, 20}, // raw 20 = 2·10
		{0, 9, 4, []float64{0, 5, 10}, 5},        // raw 3
		{0, 15, 4, []float64{0, 5, 10, 15}, 5},   // raw 5
		{0, 21, 4, []float64{0, 10, 20, 30}, 10}, // raw 7
		{-3, 0, 4, []float64{-3, -2, -1, 0}, 1},  // the last tick is +0, not −0
		{0, 1, 0, []float64{0, 1}, 1},            // n = 0 means 2
		{0, 1, 1, []float64{0, 1}, 1},            // n = 1 means 2
	} {
		ticks, step := NiceTicks(tc.lo, tc.hi, tc.n)
		if step != tc.step || !slices.Equal(ticks, tc.want) {
			t.Errorf("NiceTicks(%v, %v, %d) = %v step %v, want %v step %v", tc.lo, tc.hi, tc.n, ticks, step, tc.want, tc.step)
		}
		if math.Signbit(ticks[len(ticks)-1]) {
			t.Errorf("NiceTicks(%v, %v, %d): last tick is −0", tc.lo, tc.hi, tc.n)
		}
	}
	// No usable range: the low value alone, step 1.
	for _, tc := range []struct{ lo, hi float64 }{
		{2, 1}, {math.Inf(-1), 1}, {0, math.Inf(1)}, {0, math.NaN()},
	} {
		if ticks, step := NiceTicks(tc.lo, tc.hi, 5); step != 1 || len(ticks) != 1 || ticks[0] != tc.lo {
			t.Errorf("NiceTicks(%v, %v, 5) = %v step %v, want [%v] step 1", tc.lo, tc.hi, ticks, step, tc.lo)
		}
	}
}

// Bounds skips infinite coordinates as it skips NaNs; Decimate with n ≤ 0
// copies the points.
func TestChartBoundsInfAndDecimateNoLimit(t *testing.T) {
	c := Chart{Series: []Series{{Points: []Point{{math.Inf(1), 5}, {1, 2}, {3, math.Inf(-1)}, {math.NaN(), 9}, {2, 4}}}}}
	x0, x1, y0, y1, ok := c.Bounds()
	if !ok || x0 != 1 || x1 != 2 || y0 != 2 || y1 != 4 {
		t.Errorf("bounds x [%v, %v] y [%v, %v] %v, want x [1, 2] y [2, 4] true", x0, x1, y0, y1, ok)
	}
	inf := Chart{Series: []Series{{Points: []Point{{math.Inf(1), 1}}}}}
	if x0, x1, y0, y1, ok := inf.Bounds(); ok || x0 != 0 || x1 != 1 || y0 != 0 || y1 != 1 {
		t.Errorf("only an infinite point: %v %v %v %v %v, want 0 1 0 1 false", x0, x1, y0, y1, ok)
	}
	pts := []Point{{0, 1}, {1, 3}, {2, 5}}
	for _, n := range []int{0, -1} {
		got := Decimate(pts, n)
		if !slices.Equal(got, pts) || &got[0] == &pts[0] {
			t.Errorf("Decimate(pts, %d) = %v, want a copy of %v", n, got, pts)
		}
	}
}

// A range tiny against its values has no even ticks: from 1e17 to 1e17+16
// a step of 5 (raw step 4) is below float64's spacing there (16), so
// v += step stood still and NiceTicks appended the same tick for ever
// (a hang, then memory exhausted). It now returns the range itself.
func TestNiceTicksBeyondPrecision(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
	}{
		{1e17, 1e17 + 16, 5},
		{-1e17 - 16, -1e17, 5},
	} {
		done := make(chan struct{})
		var ticks []float64
		var step float64
		go func() {
			defer close(done)
			ticks, step = NiceTicks(tc.lo, tc.hi, tc.n)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("NiceTicks(%v, %v, %d) still running after 10 s", tc.lo, tc.hi, tc.n)
		}
		if !slices.Equal(ticks, []float64{tc.lo, tc.hi}) || step != tc.hi-tc.lo {
			t.Errorf("NiceTicks(%v, %v, %d) = %v step %v, want [lo hi] step hi − lo", tc.lo, tc.hi, tc.n, ticks, step)
		}
	}
}
