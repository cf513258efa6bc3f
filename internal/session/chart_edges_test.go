package session

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/convscope/convscope/nn"
)

// Boundary cases of the plot's geometry found by mutation testing
// (TESTING.md), with hand-worked values.

func TestChartBoundsWidenEmptyRanges(t *testing.T) {
	for _, tc := range []struct {
		name           string
		pts            []Point
		x0, x1, y0, y1 float64
	}{
		// One point (5, 2): x ± 0.5, y ± max(5 % of 2, 0.05) = ± 0.1.
		{"one point", []Point{{5, 2}}, 4.5, 5.5, 1.9, 2.1},
		// y = 0: ± 0.05.
		{"zero", []Point{{5, 0}, {6, 0}}, 5, 6, -0.05, 0.05},
		// y = −40: ± 2.
		{"negative", []Point{{1, -40}, {3, -40}}, 1, 3, -42, -38},
		// Ranges of exactly 1e-9 are kept.
		{"1e-9 wide", []Point{{0, 0}, {1e-9, 1e-9}}, 0, 1e-9, 0, 1e-9},
	} {
		c := Chart{Series: []Series{{Points: tc.pts}}}
		x0, x1, y0, y1, ok := c.Bounds()
		near := func(a, b float64) bool { return a-b < 1e-12 && b-a < 1e-12 }
		if !ok || !near(x0, tc.x0) || !near(x1, tc.x1) || !near(y0, tc.y0) || !near(y1, tc.y1) {
			t.Errorf("%s: bounds x [%v, %v] y [%v, %v], want x [%v, %v] y [%v, %v]",
				tc.name, x0, x1, y0, y1, tc.x0, tc.x1, tc.y0, tc.y1)
		}
	}
}

func TestNearestPoint(t *testing.T) {
	pts := []Point{{0, 0}, {1, 0}, {1, 0}, {2, 0}, {3, 0}}
	for x, want := range map[float64]int{
		-5:  0, // before the first point
		0.5: 1, // halfway: the later point
		0.4: 0,
		1:   1, // the first of two equal X
		1.4: 2,
		1.6: 3, // nearer the next point
		2.5: 4,
		9:   4,
	} {
		if got := nearest(pts, x); got != want {
			t.Errorf("nearest(%v) = %d, want %d", x, got, want)
		}
	}
}

func TestAutosaveDescribeAndRemove(t *testing.T) {
	saved := time.Date(2026, 11, 29, 10, 53, 0, 0, time.UTC) // a Sunday
	for step, want := range map[int]string{
		0: "after epoch 3 (saved Sun 10:53)",
		2: "in epoch 4 after step 2 (saved Sun 10:53)",
	} {
		a := &Autosave{Checkpoint: &nn.Checkpoint{Progress: nn.FitProgress{Epoch: 3, Step: step}}, Saved: saved}
		if got := a.Describe(); got != want {
			t.Errorf("step %d: %q, want %q", step, got, want)
		}
	}
	dir := t.TempDir()
	if err := RemoveAutosave(filepath.Join(dir, "none.safetensors")); err != nil {
		t.Errorf("removing a missing autosave: %v, want nil", err)
	}
	full := filepath.Join(dir, "full")
	os.MkdirAll(filepath.Join(full, "x"), 0o755)
	if err := RemoveAutosave(full); err == nil {
		t.Error("removing a non-empty folder: no error")
	}
	p := filepath.Join(dir, "a.safetensors")
	os.WriteFile(p, []byte("x"), 0o644)
	if err := RemoveAutosave(p); err != nil {
		t.Errorf("removing %s: %v", p, err)
	}
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Error("the autosave is still there")
	}
}

func TestNiceTicksLiteral(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
		want   []float64
		step   float64
	}{
		// raw step 120/3 = 40 = 4·10 → 5·10.
		{0, 120, 4, []float64{0, 50, 100, 150}, 50},
		// Exactly two ticks: no third is added.
		{0, 1, 2, []float64{0, 1}, 1},
		// An empty range: the value itself, step 1.
		{3, 3, 5, []float64{3}, 1},
	} {
		ticks, step := NiceTicks(tc.lo, tc.hi, tc.n)
		if step != tc.step || !slices.Equal(ticks, tc.want) {
			t.Errorf("NiceTicks(%v, %v, %d) = %v step %v, want %v step %v", tc.lo, tc.hi, tc.n, ticks, step, tc.want, tc.step)
		}
	}
}

func TestDecimateAverages(t *testing.T) {
	// Six points y = 10x in three buckets of two: their means.
	pts := []Point{{0, 0}, {1, 10}, {2, 20}, {3, 30}, {4, 40}, {5, 50}}
	if got, want := Decimate(pts, 3), []Point{{0.5, 5}, {2.5, 25}, {4.5, 45}}; !slices.Equal(got, want) {
		t.Errorf("Decimate = %v, want %v", got, want)
	}
	// Seven into three: buckets [0, 2), [2, 4), [4, 7).
	pts = append(pts, Point{6, 60})
	if got, want := Decimate(pts, 3), []Point{{0.5, 5}, {2.5, 25}, {5, 50}}; !slices.Equal(got, want) {
		t.Errorf("Decimate of 7 = %v, want %v", got, want)
	}
}

// TestExplainCompletenessLine: Integrated Gradients' line states the gap
// in percent, 100·|Σ − Δ|/|Δ| of the two numbers it prints.
func TestExplainCompletenessLine(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("grad.png", "", loaderOf(testImage(40, 30, 1)))
	h.settle()
	var got *Explanation
	h.Explain(ExplainOptions{Method: "ig", Class: 1, Opacity: 0.5}, nil, func(e *Explanation) { got = e })
	h.settle()
	if got == nil || got.Err != nil {
		t.Fatalf("ig: %+v", got)
	}
	var sum, delta, gap float64
	if _, err := fmt.Sscanf(got.Completeness, "Σ attributions %g vs s(x) − s(black) %g: gap %g %%", &sum, &delta, &gap); err != nil {
		t.Fatalf("completeness %q: %v", got.Completeness, err)
	}
	want := 100 * math.Abs(sum-delta) / math.Abs(delta)
	if delta == 0 {
		want = 100 * math.Abs(sum)
	}
	// The printed numbers have 4 significant digits.
	if math.Abs(gap-want) > 0.01+want*2e-3 {
		t.Errorf("%q: gap %v %%, want 100·|Σ − Δ|/|Δ| ≈ %.3f %%", got.Completeness, gap, want)
	}
}
