package render

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/testutil"
)

func TestWriteLayerPNG(t *testing.T) {
	dir := t.TempDir()
	s := LayerSheet(nil, synthetic(7, 7, 20), 7, 7, 20, DefaultSheetOptions())
	p := filepath.Join(dir, "layer.png")
	if err := WriteLayerPNG(p, s); err != nil {
		t.Fatal(err)
	}
	img := testutil.ReadPNG(t, p)
	if img.Bounds() != s.Image.Bounds() || rgbaArr(img.At(3, 3)) != rgbaArr(s.Image.At(3, 3)) {
		t.Errorf("read back %v, want %v", img.Bounds(), s.Image.Bounds())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	if err := WriteLayerPNG(filepath.Join(dir, "missing", "x.png"), s); err == nil {
		t.Error("no error writing into a missing directory")
	}
}

func TestAllLayersSheet(t *testing.T) {
	var layers []LayerData
	for i, sh := range [][3]int{{20, 20, 8}, {10, 10, 8}, {8, 8, 16}} {
		layers = append(layers, LayerData{Name: []string{"conv2d_1", "max_pooling2d_1", "conv2d_2"}[i],
			Type: "Conv2D", H: sh[0], W: sh[1], C: sh[2], Act: synthetic(sh[0], sh[1], sh[2])})
	}
	o := DefaultSheetOptions()
	img := AllLayersSheet(layers, o)
	h, w := 0, 0
	for _, l := range layers {
		sl := NewSheetLayout(l.H, l.W, l.C, o)
		h += headerH + sl.Height
		w = max(w, sl.Width)
	}
	if img.Rect.Dy() != h || img.Rect.Dx() < w {
		t.Errorf("size %v, want height %d, width ≥ %d", img.Rect, h, w)
	}
	// The second layer's first tile sits under its header.
	s := LayerSheet(nil, layers[1].Act, 10, 10, 8, o)
	y0 := 2*headerH + NewSheetLayout(20, 20, 8, o).Height
	r := s.Layout.Tile(0)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if img.RGBAAt(x, y0+y) != s.Image.RGBAAt(x, y) {
				t.Fatalf("tile pixel (%d, %d) differs", x, y)
			}
		}
	}
	// Header text is drawn: the header strip is not all background.
	ink := 0
	for x := range img.Rect.Dx() {
		if img.RGBAAt(x, headerH-8) != DefaultBackground {
			ink++
		}
	}
	if ink == 0 {
		t.Error("no header text")
	}
	p := filepath.Join(t.TempDir(), "all.png")
	if err := WriteAllLayersPNG(p, layers, o); err != nil {
		t.Fatal(err)
	}
}

func TestHeader(t *testing.T) {
	act := synthetic(4, 4, 8) // channel 3 dead, 5 constant
	var st LayerStats
	st.Compute(act, 4, 4, 8, 0)
	got := Header(LayerData{Name: "conv2d_1", Type: "Conv2D", H: 4, W: 4, C: 8}, &st)
	for _, want := range []string{"conv2d_1   Conv2D   (4, 4, 8)   range [0, ", "   1 dead", "   1 constant"} {
		if !strings.Contains(got, want) {
			t.Errorf("header %q lacks %q", got, want)
		}
	}
}

func TestColorBarTicks(t *testing.T) {
	for _, tc := range []struct {
		mode   ScaleMode
		lo, hi float64
		want   [5]string
	}{
		{Standardize, 0, 0, [5]string{"−2σ", "−1σ", "μ", "+1σ", "+2σ"}},
		{MinMax, 5, 9, [5]string{"0", "0.25", "0.5", "0.75", "1"}},
		{Layer, -1, 3, [5]string{"−1", "0", "1", "2", "3"}},
		{Layer, 0, 0.123456, [5]string{"0", "0.0309", "0.0617", "0.0926", "0.123"}},
	} {
		if got := ColorBarTicks(tc.mode, tc.lo, tc.hi); got != tc.want {
			t.Errorf("%v [%v, %v]: %q, want %q", tc.mode, tc.lo, tc.hi, got, tc.want)
		}
	}
}

// TestColorBarColours: the horizontal bar runs through the whole table, left
// to right; the vertical one bottom to top.
func TestColorBarColours(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 300, 40))
	ColorBar(img, nil, Standardize, 0, 0)
	lut := defaultLUT()
	first, last := -1, -1
	for x := range 300 {
		p := rgbaArr(img.RGBAAt(x, 10))
		if p == lut[0] && first < 0 {
			first = x
		}
		if p == lut[255] {
			last = x
		}
	}
	if first < 0 || last <= first {
		t.Errorf("table ends at x = %d and %d", first, last)
	}
	v := image.NewRGBA(image.Rect(0, 0, 60, 200))
	ColorBar(v, nil, MinMax, 0, 0)
	if rgbaArr(v.RGBAAt(5, 199-textHeight/2)) != lut[0] || rgbaArr(v.RGBAAt(5, textHeight/2)) != lut[255] {
		t.Errorf("vertical bar: bottom %v top %v", v.RGBAAt(5, 199-textHeight/2), v.RGBAAt(5, textHeight/2))
	}
}

func defaultLUT() *[256][4]uint8 { return DefaultSheetOptions().Map.LUT() }

func TestHistogramImage(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	Histogram(img, []int{10, 0, 5, 1}, nil, false)
	col := func(x int) int { // bar height in column x
		n := 0
		for y := range 20 {
			if img.RGBAAt(x, y) != DefaultBackground {
				n++
			}
		}
		return n
	}
	for _, tc := range []struct{ x, h int }{{0, 20}, {15, 0}, {25, 10}, {35, 2}} {
		if got := col(tc.x); got != tc.h {
			t.Errorf("column %d: bar height %d, want %d", tc.x, got, tc.h)
		}
	}
	Histogram(img, []int{0, 0}, nil, true) // empty: background only
	if col(0) != 0 {
		t.Error("empty histogram drew bars")
	}
}

func TestKernelSheet(t *testing.T) {
	// One 1×1 RGB filter (r, g, b) = (−1, 0, 1) and one constant filter.
	w := []float32{-1, 2, 0, 2, 1, 2} // (1, 1, 3, 2): w[i·2+f]
	s := KernelSheet(nil, w, 1, 1, 3, 2, -1, SheetOptions{TileSize: 4})
	if got := s.Image.RGBAAt(s.Layout.Tile(0).Min.X, s.Layout.Tile(0).Min.Y); rgbaArr(got) != [4]uint8{0, 128, 255, 255} {
		t.Errorf("RGB filter pixel %v, want (0, 128, 255)", got)
	}
	if got := s.Image.RGBAAt(s.Layout.Tile(1).Min.X, s.Layout.Tile(1).Min.Y); rgbaArr(got) != [4]uint8{128, 128, 128, 255} {
		t.Errorf("constant filter pixel %v, want grey", got)
	}
	// Diverging: filter 0's slices −1, 0, 1 → coolwarm ends and middle.
	s = KernelSheet(s, w, 1, 1, 3, 2, 0, SheetOptions{TileSize: 4})
	cw := colormapLUT("coolwarm")
	for i, want := range []uint8{0, 128, 255} {
		r := s.Layout.Tile(i)
		if got := rgbaArr(s.Image.RGBAAt(r.Min.X, r.Min.Y)); got != cw[want] {
			t.Errorf("slice %d: %v, want coolwarm[%d] %v", i, got, want, cw[want])
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic for an RGB view of a 4-channel kernel")
		}
	}()
	KernelSheet(nil, make([]float32, 8), 1, 1, 4, 2, -1, SheetOptions{})
}
