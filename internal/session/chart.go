package session

import (
	"math"
	"sort"
)

// Point is one (x, y) sample of a plot series.
type Point struct{ X, Y float64 }

// Series is one line of a chart.
type Series struct {
	Name   string
	Points []Point
	// Markers asks for a dot at every point (per-epoch values); a series
	// without markers is drawn as a thin line (smoothed per-batch values).
	Markers bool
	// Color is an index into the UI's palette: series with the same
	// metric (loss and its per-batch curve) share it.
	Color int
}

// Chart is a set of series sharing axes.
type Chart struct {
	Title  string
	XLabel string
	Series []Series
}

// Bounds returns the range of the chart's points, widened so that neither
// range is empty. ok is false when the chart has no finite point.
func (c *Chart) Bounds() (xmin, xmax, ymin, ymax float64, ok bool) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, s := range c.Series {
		for _, p := range s.Points {
			if !finite(p.X) || !finite(p.Y) {
				continue
			}
			ok = true
			xmin, xmax = math.Min(xmin, p.X), math.Max(xmax, p.X)
			ymin, ymax = math.Min(ymin, p.Y), math.Max(ymax, p.Y)
		}
	}
	if !ok {
		return 0, 1, 0, 1, false
	}
	if xmax-xmin < 1e-9 {
		xmin, xmax = xmin-0.5, xmax+0.5
	}
	if ymax-ymin < 1e-9 {
		d := math.Max(math.Abs(ymin)*0.05, 0.05)
		ymin, ymax = ymin-d, ymax+d
	}
	return xmin, xmax, ymin, ymax, true
}

// Nearest returns, for each series, the index of the point whose X is
// closest to x (-1 for an empty series). Points must be sorted by X.
func (c *Chart) Nearest(x float64) []int {
	idx := make([]int, len(c.Series))
	for k, s := range c.Series {
		idx[k] = nearest(s.Points, x)
	}
	return idx
}

func nearest(pts []Point, x float64) int {
	if len(pts) == 0 {
		return -1
	}
	i := sort.Search(len(pts), func(i int) bool { return pts[i].X >= x })
	if i == len(pts) {
		return i - 1
	}
	if i > 0 && x-pts[i-1].X < pts[i].X-x {
		return i - 1
	}
	return i
}

// NiceTicks returns about n "nice" tick values (multiples of 1, 2 or 5
// times a power of ten) covering [lo, hi], and the step between them. The
// first tick is ≤ lo and the last ≥ hi, so the axis can use them as its
// range.
func NiceTicks(lo, hi float64, n int) (ticks []float64, step float64) {
	if n < 2 {
		n = 2
	}
	if !(hi > lo) || !finite(lo) || !finite(hi) {
		return []float64{lo}, 1
	}
	raw := (hi - lo) / float64(n-1)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / mag; {
	case f <= 1:
		step = mag
	case f <= 2:
		step = 2 * mag
	case f <= 5:
		step = 5 * mag
	default:
		step = 10 * mag
	}
	start := math.Floor(lo/step+1e-9) * step
	for v := start; v < hi+step*0.999; v += step {
		// Avoid -0 and accumulated error such as 0.30000000000000004.
		t := math.Round(v/step) * step
		if t == 0 {
			t = 0
		}
		if len(ticks) > 0 && t <= ticks[len(ticks)-1] {
			// The step is below float64's spacing near lo and hi (a range
			// tiny against its values, such as 1e17 to 1e17+16): v stopped
			// growing, and no even ticks exist. The range itself will do.
			return []float64{lo, hi}, hi - lo
		}
		ticks = append(ticks, t)
	}
	if len(ticks) < 2 {
		ticks = append(ticks, ticks[len(ticks)-1]+step)
	}
	return ticks, step
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Decimate returns a copy of pts with at most n points: when there are
// more, consecutive points are averaged in n equal buckets. n ≤ 0 means
// no limit.
func Decimate(pts []Point, n int) []Point {
	if n <= 0 || len(pts) <= n {
		return append([]Point(nil), pts...)
	}
	out := make([]Point, 0, n)
	for b := 0; b < n; b++ {
		lo, hi := b*len(pts)/n, (b+1)*len(pts)/n
		var sx, sy float64
		for _, p := range pts[lo:hi] {
			sx += p.X
			sy += p.Y
		}
		k := float64(hi - lo)
		out = append(out, Point{sx / k, sy / k})
	}
	return out
}
