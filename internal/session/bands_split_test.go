package session

import (
	"slices"
	"testing"
)

// A layer's bands are as many whole tile rows as fit in BandHeight (480
// pixels), in order, none empty: the wide model's 40 channels, 4 tiles a
// row, are 3 rows (12 channels) a band with 120-pixel tiles and 2 rows (8
// channels, 5 bands exactly) with 200-pixel ones, 1 row with 320-pixel
// ones (MaxTile: one row fits).
func TestBandsAreWholeRows(t *testing.T) {
	h := newHarness(t, wideModel(t))
	h.Open("a", "", loaderOf(testImage(12, 12, 3)))
	h.settle()
	for _, c := range []struct {
		tile int
		want []int // band edges
	}{
		{120, []int{0, 12, 24, 36, 40}},
		{200, []int{0, 8, 16, 24, 32, 40}},
		{MaxTile, []int{0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40}},
	} {
		v := h.View()
		v.Tile, v.Cols, v.Width = c.tile, 4, 0
		h.SetView(v)
		h.settle()
		f := h.last()
		var edges []int
		for _, b := range f.Bands(1) {
			if b.Layer != 1 || (len(edges) > 0 && b.C0 != edges[len(edges)-1]) || b.C1 <= b.C0 {
				t.Fatalf("tile %d: band %+v after edges %v", c.tile, b, edges)
			}
			if len(edges) == 0 {
				edges = append(edges, b.C0)
			}
			edges = append(edges, b.C1)
		}
		if !slices.Equal(edges, c.want) {
			t.Errorf("tile %d: band edges %v, want %v", c.tile, edges, c.want)
		}
	}
	// The gap counts once per band: 7×7 maps at 105 pixels make rows of
	// 105 + 13 (label) + 2 (gap) = 120 pixels, and 3 of them plus the top
	// gap (362) fit in 480; 4 (482) do not.
	p := newHarness(t, tinyModel(t, 16))
	v := p.View()
	v.Tile, v.Cols = 105, 1
	p.SetView(v)
	p.Open("a", "", loaderOf(testImage(16, 16, 3)))
	p.settle()
	pf := p.last()
	bands := pf.Bands(1)
	if len(bands) != 2 || bands[0] != (Band{Layer: 1, C0: 0, C1: 3}) || bands[1] != (Band{Layer: 1, C0: 3, C1: 4}) {
		t.Errorf("7×7 pool at 105 pixels: bands %+v, want [0, 3) and [3, 4)", bands)
	}
	if w, hh := pf.BandSize(bands[0]); hh != 362 || w <= 105 {
		t.Errorf("first band %d×%d, want 362 high", w, hh)
	}

	// A band of a layer the frame does not have is not drawn (no panic).
	f := h.last()
	drawn := false
	h.RenderBand(f, Band{Layer: len(f.Layers), C0: 0, C1: 1}, func(*Sheet) { drawn = true })
	h.settle()
	if drawn || len(h.errs) != 0 {
		t.Errorf("a band of layer %d: drawn %v, errors %v", len(f.Layers), drawn, h.errs)
	}
	// Nor is an empty band.
	h.RenderBand(f, Band{Layer: 1, C0: 2, C1: 2}, func(*Sheet) { drawn = true })
	h.settle()
	if drawn || len(h.errs) != 0 {
		t.Errorf("an empty band: drawn %v, errors %v", drawn, h.errs)
	}
}
