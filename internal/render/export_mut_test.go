package render

import "testing"

// TestAllLayersSheetHeaderMargin checks where AllLayersSheet writes a
// layer's header: its text starts Gap + 4 pixels from the left edge (the
// first glyph, "c", has no left side bearing in the embedded face), on
// rows 6–18 of the header strip (baseline headerH − 5), for several gaps.
func TestAllLayersSheetHeaderMargin(t *testing.T) {
	for _, gap := range []int{0, 2, 7} {
		o := DefaultSheetOptions()
		o.Gap = gap
		layers := []LayerData{{Name: "conv2d_1", Type: "Conv2D", H: 6, W: 6, C: 2, Act: synthetic(6, 6, 2)}}
		img := AllLayersSheet(layers, o)
		left, top, bottom := img.Rect.Dx(), headerH, -1
		for y := range headerH {
			for x := range img.Rect.Dx() {
				if img.RGBAAt(x, y) != DefaultBackground {
					left, top, bottom = min(left, x), min(top, y), max(bottom, y)
				}
			}
		}
		if left != gap+4 || top != 6 || bottom != 18 {
			t.Errorf("gap %d: header ink from x = %d, rows %d–%d; expected x = %d, rows 6–18", gap, left, top, bottom, gap+4)
		}
	}
}
