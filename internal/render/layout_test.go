package render

import (
	"image"
	"testing"
)

func TestTileScale(t *testing.T) {
	for _, tc := range []struct{ h, w, size, th, tw int }{
		{7, 7, 0, 7, 7},
		{7, 7, 96, 91, 91},
		{148, 148, 148, 148, 148},
		{148, 148, 100, 74, 74},
		{148, 148, 40, 37, 37},
		{12, 10, 30, 24, 20},
		{15, 15, 14, 8, 8},
		{1, 1, 5, 5, 5},
	} {
		if th, tw := TileScale(tc.h, tc.w, tc.size); th != tc.th || tw != tc.tw {
			t.Errorf("TileScale(%d, %d, %d) = %d×%d, want %d×%d", tc.h, tc.w, tc.size, th, tw, tc.th, tc.tw)
		}
	}
}

func TestSheetLayout(t *testing.T) {
	for _, tc := range []struct {
		h, w, c int
		o       SheetOptions
		width   int
		height  int
		labelH  int
	}{
		{148, 148, 32, DefaultSheetOptions(), 2 + 16*150, 2 + 2*(148+13+2), 13},
		{7, 7, 128, DefaultSheetOptions(), 2 + 16*9, 2 + 8*9, 0}, // "127" does not fit under 7 pixels
		{7, 7, 3, SheetOptions{TileSize: 28, Labels: true}, 3 * 28, 28 + 13, 13},
		{5, 5, 20, SheetOptions{Cols: 6, Gap: 1}, 1 + 6*6, 1 + 4*6, 0},
	} {
		l := NewSheetLayout(tc.h, tc.w, tc.c, tc.o)
		if l.Width != tc.width || l.Height != tc.height || l.LabelH != tc.labelH {
			t.Errorf("(%d,%d,%d): %d×%d label %d, want %d×%d label %d", tc.h, tc.w, tc.c,
				l.Width, l.Height, l.LabelH, tc.width, tc.height, tc.labelH)
		}
	}
}

// TestChannelAt: every pixel of every cell maps to its channel, everything
// else (gaps, empty cells, outside) to none, and MapPixel inverts the sampling.
func TestChannelAt(t *testing.T) {
	o := DefaultSheetOptions()
	o.Cols, o.TileSize, o.Gap = 5, 24, 3
	l := NewSheetLayout(6, 6, 13, o) // 3 rows, the last with 3 of 5 cells
	owner := map[image.Point]int{}
	for ch := range l.C {
		r := l.Cell(ch)
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				owner[image.Pt(x, y)] = ch
			}
		}
		if l.Tiles()[ch] != l.Tile(ch) {
			t.Errorf("Tiles()[%d] != Tile(%d)", ch, ch)
		}
	}
	for y := -2; y < l.Height+2; y++ {
		for x := -2; x < l.Width+2; x++ {
			ch, ok := l.ChannelAt(x, y)
			want, wantOK := owner[image.Pt(x, y)]
			if ok != wantOK || ch != want {
				t.Fatalf("ChannelAt(%d, %d) = %d, %v; want %d, %v", x, y, ch, ok, want, wantOK)
			}
		}
	}
	r := l.Tile(7)
	for _, tc := range []struct{ dx, dy, row, col int }{{0, 0, 0, 0}, {3, 3, 0, 0}, {4, 0, 0, 1}, {23, 23, 5, 5}, {9, 20, 5, 2}} {
		row, col, ok := l.MapPixel(7, r.Min.X+tc.dx, r.Min.Y+tc.dy)
		if !ok || row != tc.row || col != tc.col {
			t.Errorf("MapPixel(+%d, +%d) = %d, %d, %v; want %d, %d", tc.dx, tc.dy, row, col, ok, tc.row, tc.col)
		}
	}
	if _, _, ok := l.MapPixel(7, r.Max.X, r.Min.Y); ok {
		t.Error("MapPixel outside the tile reported ok")
	}
}

func TestSrcIndexBlocks(t *testing.T) {
	// An integer up-scale gives exact k×k blocks; a down-scale stays in range.
	for _, n := range []int{1, 7, 15} {
		for k := 1; k <= 5; k++ {
			for i := range n * k {
				if got := srcIndex(i, n*k, n); got != i/k {
					t.Fatalf("srcIndex(%d, %d, %d) = %d, want %d", i, n*k, n, got, i/k)
				}
			}
		}
	}
	for i := range 74 {
		if got := srcIndex(i, 74, 148); got != 2*i+1 {
			t.Fatalf("down-scale: srcIndex(%d, 74, 148) = %d", i, got)
		}
	}
}
