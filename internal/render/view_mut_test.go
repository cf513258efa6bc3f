package render

import "testing"

// TestViewOptions checks View.Map and View.SheetOptions: a known colormap
// name gives that map, an unknown one the default; the scale mode and tile
// size pass through; Cols is at least 1, and with a Width the columns are
// as many whole cells (TileW + Gap, after the left gap) as fit, at most
// Cols and at least 1.
func TestViewOptions(t *testing.T) {
	for _, tt := range []struct{ name, want string }{{"magma", "magma"}, {"gray", "gray"}, {"no such map", "viridis"}, {"", "viridis"}} {
		v := DefaultView()
		v.Colormap = tt.name
		if got := v.Map().Name; got != tt.want {
			t.Errorf("Map of %q: %s, expected %s", tt.name, got, tt.want)
		}
		if got := v.SheetOptions(8, 8, 4).Map.Name; got != tt.want {
			t.Errorf("SheetOptions' map for %q: %s, expected %s", tt.name, got, tt.want)
		}
	}
	// 8×8 maps at tile 16 (factor 2), gap 2: a cell is 18 pixels, and a
	// sheet of n columns is 2 + 18·n wide.
	tests := []struct {
		cols, width, want int
	}{
		{16, 0, 16},           // no width: Cols
		{0, 0, 1},             // at least one column
		{16, 2 + 18*5, 5},     // exactly five cells
		{16, 2 + 18*5 - 1, 4}, // one pixel short of five
		{16, 2 + 18*5 + 17, 5},
		{3, 2 + 18*5, 3}, // Cols is the most
		{16, 10, 1},      // not even one cell: still one
		{16, 1, 1},
	}
	for _, tt := range tests {
		v := View{Colormap: "viridis", Scale: MinMax, Cols: tt.cols, Tile: 16, Width: tt.width}
		o := v.SheetOptions(8, 8, 40)
		if o.Cols != tt.want || o.Mode != MinMax || o.TileSize != 16 {
			t.Errorf("Cols %d, Width %d: cols %d mode %v tile %d, expected cols %d, MinMax, 16", tt.cols, tt.width, o.Cols, o.Mode, o.TileSize, tt.want)
		}
	}
}
