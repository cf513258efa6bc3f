package session

import (
	"image"
	"testing"

	"github.com/convscope/convscope/internal/render"
	"github.com/convscope/convscope/nn"
)

// TestKernelLabelsKeepApart draws the kernels of a layer with many input
// channels and checks that the channel numbers under neighbouring tiles
// keep at least a character width (7 pixels) blank between them (the
// digits of one number are 2 apart): at 15-pixel tiles "10", "11", "12"
// were 5 pixels apart and read "101112…" (issue #17 defect 6).
func TestKernelLabelsKeepApart(t *testing.T) {
	for _, c := range []struct{ cin, k int }{{8, 3}, {24, 3}, {120, 3}, {120, 5}, {40, 7}} {
		a := nn.Arch{InputShape: []int{16, 16, 3}, Layers: []nn.LayerConfig{
			{ClassName: "Conv2D", Filters: c.cin, KernelSize: [2]int{1, 1}},
			{ClassName: "Conv2D", Filters: 2, KernelSize: [2]int{c.k, c.k}},
			{ClassName: "Flatten"},
			{ClassName: "Dense", Units: 1, Activation: "sigmoid"},
		}}
		net, err := a.Build()
		if err != nil {
			t.Fatal(err)
		}
		net.Init(3)
		img, rgb := kernelImage(&Model{Net: net}, 1, 0)
		if img == nil || rgb {
			t.Fatalf("cin %d: no kernel sheet (rgb %v)", c.cin, rgb)
		}
		o, _ := kernelOptions(c.k, c.k, c.cin, 2)
		l := render.NewSheetLayout(c.k, c.k, c.cin, o)
		if l.LabelH == 0 {
			t.Errorf("cin %d, %d×%d: no labels", c.cin, c.k, c.k)
			continue
		}
		bg := img.RGBAAt(0, 0)
		for row := 0; row < l.Rows; row++ {
			prevEnd := -1 // the last ink column of the previous label
			for col := 0; col < l.Cols && row*l.Cols+col < c.cin; col++ {
				ch := row*l.Cols + col
				r := l.Cell(ch)
				strip := image.Rect(r.Min.X, r.Max.Y-l.LabelH, r.Max.X+l.Gap, r.Max.Y)
				first, last := inkColumns(img, strip, bg)
				if first < 0 {
					t.Fatalf("cin %d: channel %d has no label", c.cin, ch)
				}
				if prevEnd >= 0 && first-prevEnd-1 < labelCharW {
					t.Errorf("cin %d, %d×%d kernel: labels %d and %d are %d pixels apart (tile %d px)", c.cin, c.k, c.k, ch-1, ch, first-prevEnd-1, l.TileW)
				}
				prevEnd = last
			}
		}
	}
}

// inkColumns returns the first and last column of r holding a pixel other
// than bg (-1, -1 if none).
func inkColumns(img *image.RGBA, r image.Rectangle, bg interface{ RGBA() (r, g, b, a uint32) }) (first, last int) {
	first, last = -1, -1
	br, bgg, bb, _ := bg.RGBA()
	for x := r.Min.X; x < r.Max.X && x < img.Bounds().Max.X; x++ {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			cr, cg, cb, _ := img.RGBAAt(x, y).RGBA()
			if cr != br || cg != bgg || cb != bb {
				if first < 0 {
					first = x
				}
				last = x
				break
			}
		}
	}
	return first, last
}
