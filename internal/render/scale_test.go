package render

import (
	"math"
	"strings"
	"testing"
)

func TestParseScaleMode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ScaleMode
	}{{"", Standardize}, {"standardize", Standardize}, {"MinMax", MinMax}, {" layer ", Layer}} {
		m, err := ParseScaleMode(tc.in)
		if err != nil || m != tc.want {
			t.Errorf("ParseScaleMode(%q) = %v, %v", tc.in, m, err)
		}
		if m.String() != strings.ToLower(strings.TrimSpace(tc.in)) && tc.in != "" {
			t.Errorf("%v.String() = %q", m, m.String())
		}
	}
	if _, err := ParseScaleMode("log"); err == nil || !strings.Contains(err.Error(), "standardize, minmax, layer") {
		t.Errorf("ParseScaleMode(log) error %v does not list the valid modes", err)
	}
}

// tutorialIndex is the Keras tutorial's display scaling done the numpy way,
// in float32: clip((x − mean)/std·64 + 128, 0, 255).astype(uint8).
func tutorialIndex(x, mean, std float32) uint8 {
	v := (x-mean)/std*64 + 128
	return uint8(min(max(v, 0), 255))
}

// TestStandardizeMatchesTutorial: indices agree with the tutorial's formula
// (at most 1 apart, where float rounding lands on the other side of an integer).
func TestStandardizeMatchesTutorial(t *testing.T) {
	act := synthetic(34, 34, 16)
	var s LayerStats
	s.Compute(act, 34, 34, 16, 0)
	off := 0
	for ch := range 16 {
		cs := s.Channels[ch]
		if cs.Constant {
			continue
		}
		tr := NewTransfer(Standardize, &s, ch)
		for p := ch; p < len(act); p += 16 {
			got, want := int(tr.Index(act[p])), int(tutorialIndex(act[p], float32(cs.Mean), float32(cs.Std)))
			if d := got - want; d < -1 || d > 1 {
				t.Fatalf("ch %d x %v: index %d, tutorial %d", ch, act[p], got, want)
			} else if d != 0 {
				off++
			}
		}
	}
	if off > len(act)/1000 {
		t.Errorf("%d of %d indices differ by one from the tutorial's", off, len(act))
	}
}

func TestTransfer(t *testing.T) {
	// One channel: 0, 1, 2, 3 (mean 1.5, std √1.25); a second constant at 5.
	act := []float32{0, 5, 1, 5, 2, 5, 3, 5}
	var s LayerStats
	s.Compute(act, 2, 2, 2, 0)
	sd := math.Sqrt(1.25)
	for _, tc := range []struct {
		mode ScaleMode
		ch   int
		x    float32
		want uint8
	}{
		{Standardize, 0, 1.5, 128},
		{Standardize, 0, float32(1.5 + sd), 192},
		{Standardize, 0, float32(1.5 - 2*sd), 0},
		{Standardize, 0, 100, 255},
		{Standardize, 1, 5, 128}, // constant: 0σ
		{MinMax, 0, 0, 0},
		{MinMax, 0, 1.5, 128},
		{MinMax, 0, 3, 255},
		{MinMax, 0, -7, 0},
		{MinMax, 1, 5, 0}, // constant: matplotlib's Normalize gives 0
		{Layer, 0, 0, 0},
		{Layer, 1, 5, 255},
		{Layer, 0, 2.5, 128},
		{Standardize, 0, float32(math.NaN()), 0},
		{MinMax, 0, float32(math.Inf(1)), 255},
		{MinMax, 0, float32(math.Inf(-1)), 0},
	} {
		if got := NewTransfer(tc.mode, &s, tc.ch).Index(tc.x); got != tc.want {
			t.Errorf("%v ch %d x %v: index %d, want %d", tc.mode, tc.ch, tc.x, got, tc.want)
		}
	}
}

// TestTransferTinySpread: a spread of one float32 ulp must not overflow the
// scale to +Inf (0·Inf would be NaN).
func TestTransferTinySpread(t *testing.T) {
	a := float32(1e-44)
	b := math.Nextafter32(a, 1)
	var s LayerStats
	s.Compute([]float32{a, b, a, b}, 2, 2, 1, 0)
	for _, mode := range []ScaleMode{Standardize, MinMax, Layer} {
		tr := NewTransfer(mode, &s, 0)
		if math.IsInf(float64(tr.A), 0) || math.IsNaN(float64(tr.A)) || tr.Index(a) > tr.Index(b) {
			t.Errorf("%v: transfer %+v, index %d..%d", mode, tr, tr.Index(a), tr.Index(b))
		}
	}
}
