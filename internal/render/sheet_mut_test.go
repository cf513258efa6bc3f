package render

import "testing"

// TestLayerSheetLayerRange checks SheetOptions.LayerRange: in the Layer
// scale mode a range with Max > Min replaces the sheet's own [min, max]
// (Stats.Min, Stats.Max, and so the pixels); an empty range (Max = Min,
// the zero value) or another mode leaves the sheet's own.
func TestLayerSheetLayerRange(t *testing.T) {
	act := make([]float32, 4*4*2)
	for i := range act {
		act[i] = float32(i%9) - 2 // -2 … 6
	}
	type rng = struct{ Min, Max float32 }
	tests := []struct {
		name     string
		mode     ScaleMode
		r        rng
		min, max float32
	}{
		{"layer mode, a range", Layer, rng{-10, 20}, -10, 20},
		{"layer mode, no range", Layer, rng{}, -2, 6},
		{"layer mode, an empty range", Layer, rng{3, 3}, -2, 6},
		{"standardize, a range", Standardize, rng{-10, 20}, -2, 6},
		{"minmax, a range", MinMax, rng{-10, 20}, -2, 6},
	}
	for _, tt := range tests {
		o := DefaultSheetOptions()
		o.Mode, o.LayerRange, o.Workers = tt.mode, tt.r, 1
		s := LayerSheet(nil, act, 4, 4, 2, o)
		if s.Stats.Min != tt.min || s.Stats.Max != tt.max {
			t.Errorf("%s: range [%g, %g], expected [%g, %g]", tt.name, s.Stats.Min, s.Stats.Max, tt.min, tt.max)
		}
		if tt.mode == Layer {
			o.LayerRange = rng{}
			same := LayerSheet(nil, act, 4, 4, 2, o)
			if got, want := string(s.Image.Pix) == string(same.Image.Pix), tt.min == -2; got != want {
				t.Errorf("%s: pixels as with the sheet's own range: %v", tt.name, got)
			}
		}
	}
}
