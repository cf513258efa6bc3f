package render

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"strings"
	"testing"
)

// The tests in this file pin boundary cases with values worked out by hand
// (in the comments), so that an off-by-one or a flipped sign in the code
// fails them; they came from mutation testing (TESTING.md).

// mustPanicRender fails unless fn panics with one of the package's own
// "render: …" messages (an index-out-of-range panic further down does not
// count: the shape check must catch the bad input first).
func mustPanicRender(t *testing.T, name string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("%s: no panic", name)
			return
		}
		if msg := fmt.Sprint(r); !strings.HasPrefix(msg, "render: ") {
			t.Errorf("%s: panic %q, want the shape check's \"render: …\" message", name, msg)
		}
	}()
	fn()
}

func TestShapeChecksPanicFirst(t *testing.T) {
	var s LayerStats
	one := []float32{1}
	four := make([]float32, 4)
	dst := image.NewRGBA(image.Rect(0, 0, 2, 2))
	var st LayerStats
	st.Compute(four, 1, 1, 4, 0)
	for _, tc := range []struct {
		name string
		fn   func()
	}{
		{"Compute h=0", func() { s.Compute(nil, 0, 1, 1, 0) }},
		{"Compute w=0", func() { s.Compute(nil, 1, 0, 1, 0) }},
		{"Compute c=0", func() { s.Compute(nil, 1, 1, 0, 0) }},
		{"KernelSheet kh=0", func() { KernelSheet(nil, nil, 0, 1, 1, 1, 0, SheetOptions{}) }},
		{"KernelSheet kw=0", func() { KernelSheet(nil, nil, 1, 0, 1, 1, 0, SheetOptions{}) }},
		{"KernelSheet cin=0", func() { KernelSheet(nil, nil, 1, 1, 0, 1, 0, SheetOptions{}) }},
		{"KernelSheet cout=0", func() { KernelSheet(nil, nil, 1, 1, 1, 0, 0, SheetOptions{}) }},
		{"KernelSheet filter=cout", func() { KernelSheet(nil, four, 1, 1, 1, 4, 4, SheetOptions{}) }},
		{"KernelSheet RGB with cout=0", func() { KernelSheet(nil, nil, 1, 1, 3, 0, -1, SheetOptions{}) }},
		{"KernelSheet RGB of 1 channel", func() { KernelSheet(nil, one, 1, 1, 1, 1, -1, SheetOptions{}) }},
		{"RenderChannel ch=c", func() { RenderChannel(dst, four, 1, 1, 4, 4, Standardize, nil, &st) }},
		{"ChannelHistogram ch=c", func() { ChannelHistogram(make([]int, 2), four, 1, 1, 4, 4, 0, 1) }},
	} {
		mustPanicRender(t, tc.name, tc.fn)
	}
	// Filter 0 of a one-channel kernel is a valid diverging view.
	KernelSheet(nil, one, 1, 1, 1, 1, 0, SheetOptions{})
}

func TestLayerStatsLiteral(t *testing.T) {
	// A 1×2 layer: channel 0 is all NaN, channel 1 is (5, 6). The layer's
	// range comes from the finite channel only: [5, 6], not [0, 6].
	nan := float32(math.NaN())
	var s LayerStats
	s.Compute([]float32{nan, 5, nan, 6}, 1, 2, 2, 0)
	if s.Min != 5 || s.Max != 6 {
		t.Errorf("layer range [%v, %v], want [5, 6] (the all-NaN channel ignored)", s.Min, s.Max)
	}
	// Large mean, small spread: x = 1e9, 1e9+64, 1e9+192 (exact in
	// float32). d = 0, 64, 192: mean d = 256/3, mean d² = 40960/3,
	// var = 40960/3 − 65536/9 = 57344/9, std = √6371.5… = 79.8220…
	// Without the shift the float64 sums of squares (~3e18) lose ±256.
	s.Compute([]float32{1e9, 1e9 + 64, 1e9 + 192}, 1, 3, 1, 0)
	if want := math.Sqrt(57344.0 / 9); math.Abs(s.Channels[0].Std-want) > 1e-6 {
		t.Errorf("std %.9g, want %.9g", s.Channels[0].Std, want)
	}
	if want := 1e9 + 256.0/3; math.Abs(s.Channels[0].Mean-want) > 1e-6 {
		t.Errorf("mean %.12g, want %.12g", s.Channels[0].Mean, want)
	}
}

func TestChannelHistogramLiteral(t *testing.T) {
	for _, tc := range []struct {
		act    []float32
		lo, hi float32
		bins   int
		want   []int
	}{
		// lo=1, hi=3, 2 bins: scale 1, f = 0, 1, 2 → bins 0, 1, 1 (f ≥ n → last).
		{[]float32{1, 2, 3}, 1, 3, 2, []int{1, 2}},
		// hi = lo: everything in bin 0, also the value above hi.
		{[]float32{1, 2}, 1, 1, 3, []int{2, 0, 0}},
		// lo=−2, hi=2, 4 bins of width 1: −2→0, −0.5→1, 0.5→2, 1.5→3.
		{[]float32{-2, -0.5, 0.5, 1.5}, -2, 2, 4, []int{1, 1, 1, 1}},
	} {
		got := make([]int, tc.bins)
		ChannelHistogram(got, tc.act, 1, len(tc.act), 1, 0, tc.lo, tc.hi)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%v over [%v, %v] in %d bins: %v, want %v", tc.act, tc.lo, tc.hi, tc.bins, got, tc.want)
		}
	}
}

func TestBarIndexLiteral(t *testing.T) {
	// round(p·255/(n−1)) with halves rounded up: (p·255 + (n−1)/2) / (n−1).
	for _, tc := range []struct{ p, n, want int }{
		{0, 1, 0}, {0, 2, 0}, {1, 2, 255},
		{0, 3, 0}, {1, 3, 128}, {2, 3, 255},
		{1, 4, 85}, {2, 4, 170}, {3, 4, 255},
	} {
		if got := barIndex(tc.p, tc.n); got != tc.want {
			t.Errorf("barIndex(%d, %d) = %d, want %d", tc.p, tc.n, got, tc.want)
		}
	}
}

func TestScaleModeStringOutOfRange(t *testing.T) {
	for m, want := range map[ScaleMode]string{Layer: "layer", 3: "ScaleMode(3)", -1: "ScaleMode(-1)"} {
		if got := m.String(); got != want {
			t.Errorf("ScaleMode(%d).String() = %q, want %q", int(m), got, want)
		}
	}
}

func TestMinMaxTransferOffset(t *testing.T) {
	// Channel (1, 3): MinMax maps [1, 3] to [0, 256): M = 1, A = 128.
	var s LayerStats
	s.Compute([]float32{1, 3}, 1, 2, 1, 0)
	if got, want := NewTransfer(MinMax, &s, 0), (Transfer{M: 1, A: 128}); got != want {
		t.Errorf("transfer %+v, want %+v", got, want)
	}
	if got := NewTransfer(MinMax, &s, 0).Index(2); got != 128 {
		t.Errorf("index of 2 = %d, want 128", got)
	}
}

func TestTileScaleLiteral(t *testing.T) {
	for _, tc := range []struct{ h, w, size, th, tw int }{
		{200, 200, 100, 100, 100}, // d = ⌈200/100⌉ = 2
		{201, 100, 100, 67, 34},   // d = ⌈201/100⌉ = 3
		{7, 5, 0, 7, 5},
		{7, 5, 7, 7, 5},
		{7, 5, 14, 14, 10},
	} {
		th, tw := TileScale(tc.h, tc.w, tc.size)
		if th != tc.th || tw != tc.tw {
			t.Errorf("TileScale(%d, %d, %d) = %d×%d, want %d×%d", tc.h, tc.w, tc.size, th, tw, tc.th, tc.tw)
		}
	}
	for n, want := range map[int]int{0: 1, 9: 1, 10: 2, 99: 2, 100: 3} {
		if got := digits(n); got != want {
			t.Errorf("digits(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestLabelStripExactFit(t *testing.T) {
	// 10 channels of 5×5 tiles and a gap of 2: the largest label "9" is 7
	// pixels wide and fits under 5+2 exactly, so there is a label strip.
	l := NewSheetLayout(5, 5, 10, SheetOptions{Cols: 4, Gap: 2, Labels: true})
	if l.LabelH != labelH {
		t.Errorf("label strip %d, want %d (\"9\" fits in 7 pixels)", l.LabelH, labelH)
	}
	// 11 channels: "10" is 14 pixels, no strip.
	if l := NewSheetLayout(5, 5, 11, SheetOptions{Cols: 4, Gap: 2, Labels: true}); l.LabelH != 0 {
		t.Errorf("label strip %d, want 0 (\"10\" does not fit)", l.LabelH)
	}
	// The first tile's top-left pixel is (Gap, Gap) and belongs to channel 0.
	if ch, ok := l.ChannelAt(2, 2); !ok || ch != 0 {
		t.Errorf("ChannelAt(2, 2) = %d, %v, want 0, true", ch, ok)
	}
	if _, ok := l.ChannelAt(1, 2); ok {
		t.Error("ChannelAt(1, 2) is in the gap")
	}
	if _, ok := l.ChannelAt(2, 1); ok {
		t.Error("ChannelAt(2, 1) is in the gap")
	}
}

func TestSheetReuseClearsLabelStrips(t *testing.T) {
	// One 6×6 channel at 7× (42-pixel tiles): all zeros is labelled
	// "0 dead", six 7-pixel characters = 42 pixels, which just fits.
	o := SheetOptions{Cols: 1, Gap: 2, Labels: true, TileSize: 42, Workers: 1}
	dead := make([]float32, 36)
	live := make([]float32, 36)
	for i := range live {
		live[i] = float32(i)
	}
	s := LayerSheet(nil, dead, 6, 6, 1, o)
	tile := s.Layout.Tile(0)
	bg := s.Image.RGBAAt(0, 0)
	inked := func(x0, x1 int) bool {
		for y := tile.Max.Y; y < tile.Max.Y+s.Layout.LabelH; y++ {
			for x := x0; x < x1; x++ {
				if s.Image.RGBAAt(x, y) != bg {
					return true
				}
			}
		}
		return false
	}
	if !inked(tile.Min.X+35, tile.Min.X+42) {
		t.Error("no ink in the sixth character cell: \"0 dead\" should fit a 42-pixel tile")
	}
	// Re-render live values into the same sheet: the label becomes "0"
	// and the strip must be cleared, as a fresh render shows.
	LayerSheet(s, live, 6, 6, 1, o)
	if inked(tile.Min.X+7, tile.Min.X+42) {
		t.Error("the old label's \" dead\" is still under the tile after a re-render")
	}
	// Gaps are not repainted when only the values change…
	s.Image.SetRGBA(0, 0, color.RGBA{1, 2, 3, 255})
	LayerSheet(s, dead, 6, 6, 1, o)
	if got := s.Image.RGBAAt(0, 0); got != (color.RGBA{1, 2, 3, 255}) {
		t.Errorf("gap pixel %v: repainted although layout and background did not change", got)
	}
	// …but they are when the background changes.
	o.Background = color.RGBA{9, 9, 9, 255}
	LayerSheet(s, dead, 6, 6, 1, o)
	if got := s.Image.RGBAAt(0, 0); got != o.Background {
		t.Errorf("gap pixel %v after a background change, want %v", got, o.Background)
	}
}

func TestKernelSheetAsymmetricRange(t *testing.T) {
	// Filter 0 of a (1, 1, 3, 1) kernel with slices −2, 0, 1: the range is
	// ±max|w| = ±2, so 1 sits at t = 0.5 + 0.5·1/2 = 0.75 → index 192.
	cw := colormapLUT("coolwarm")
	s := KernelSheet(nil, []float32{-2, 0, 1}, 1, 1, 3, 1, 0, SheetOptions{TileSize: 2})
	for i, want := range []uint8{0, 128, 192} {
		r := s.Layout.Tile(i)
		if got := rgbaArr(s.Image.RGBAAt(r.Min.X, r.Min.Y)); got != cw[want] {
			t.Errorf("slice %d: %v, want coolwarm[%d]", i, got, want)
		}
	}
	// An all-zero filter is the middle colour, not NaN's index 0.
	s = KernelSheet(nil, []float32{0, 0, 0}, 1, 1, 3, 1, 0, SheetOptions{TileSize: 2})
	if got := rgbaArr(s.Image.RGBAAt(s.Layout.Tile(0).Min.X, s.Layout.Tile(0).Min.Y)); got != cw[128] {
		t.Errorf("zero filter: %v, want coolwarm[128]", got)
	}
}

func TestHistogramNarrowerThanBins(t *testing.T) {
	// 4 bins in 2 columns: bin 0 spans [0, 0) and is widened to column 0;
	// its colour is the entry of its centre, (2·0+1)·128/4 = 32.
	dst := image.NewRGBA(image.Rect(0, 0, 2, 10))
	Histogram(dst, []int{5, 0, 0, 0}, nil, false)
	lut := defaultLUT()
	if got := rgbaArr(dst.RGBAAt(0, 9)); got != lut[32] {
		t.Errorf("column 0: %v, want the colormap's entry 32 %v", got, lut[32])
	}
}

func TestColorBarVerticalWidth(t *testing.T) {
	// A 30-pixel-wide vertical bar is min(20, 30/3) = 10 pixels wide,
	// starting at x = 2: x = 11 is bar, x = 14 (between ticks) is background.
	dst := image.NewRGBA(image.Rect(0, 0, 30, 100))
	ColorBar(dst, nil, MinMax, 0, 1)
	if got := dst.RGBAAt(14, 50); got != DefaultBackground {
		t.Errorf("pixel (14, 50) %v, want the background: the bar is 10 pixels wide", got)
	}
	if got := dst.RGBAAt(11, 50); got == DefaultBackground {
		t.Error("pixel (11, 50) is background, want the bar")
	}
}

func TestHeaderOmitsZeroCounts(t *testing.T) {
	// Two live channels (0, 1) and (2, 3): no dead, no constant channel.
	var st LayerStats
	st.Compute([]float32{0, 2, 1, 3}, 1, 2, 2, 0)
	got := Header(LayerData{Name: "c", Type: "Conv2D", H: 1, W: 2, C: 2}, &st)
	if want := "c   Conv2D   (1, 2, 2)   range [0, 3]"; got != want {
		t.Errorf("header %q, want %q", got, want)
	}
}

func TestAllLayersSheetWidensForHeader(t *testing.T) {
	// A 1×1×1 layer's sheet is a few pixels wide; the image takes the
	// header's width plus the gap on both sides and 8 pixels of margin.
	d := LayerData{Name: "a_layer_with_a_long_name", Type: "Conv2D", H: 1, W: 1, C: 1, Act: []float32{1}}
	o := DefaultSheetOptions()
	img := AllLayersSheet([]LayerData{d}, o)
	var st LayerStats
	st.Compute(d.Act, 1, 1, 1, 0)
	if want := textWidth(Header(d, &st)) + 2*o.Gap + 8; img.Rect.Dx() != want {
		t.Errorf("width %d, want %d (header width + 2·gap + 8)", img.Rect.Dx(), want)
	}
}

func TestKernelSheetNoLabelsNoInk(t *testing.T) {
	// Labels off and a 10-pixel gap: nothing is drawn under the tiles (a
	// label drawn anyway would put the digit's ink in the gap).
	w := []float32{-1, 0, 1, 2, -2, 0.5}
	s := KernelSheet(nil, w, 1, 1, 3, 2, 0, SheetOptions{TileSize: 8, Gap: 10, Cols: 3})
	bg := s.Image.RGBAAt(0, 0)
	for i := range 3 {
		r := s.Layout.Tile(i)
		for y := r.Max.Y; y < r.Max.Y+10; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if got := s.Image.RGBAAt(x, y); got != bg {
					t.Fatalf("pixel (%d, %d) under tile %d is %v, want the background", x, y, i, got)
				}
			}
		}
	}
}

func TestColorBarSquareIsHorizontal(t *testing.T) {
	// A square bar is laid out horizontally: the bar starts right of a
	// margin for the end labels, so (3, 20) is background, and its top
	// row band holds the colours. A vertical bar would cover x = 3.
	dst := image.NewRGBA(image.Rect(0, 0, 40, 40))
	ColorBar(dst, nil, MinMax, 0, 1)
	if got := dst.RGBAAt(3, 20); got != DefaultBackground {
		t.Errorf("pixel (3, 20) %v, want the background of a horizontal bar", got)
	}
	if got := dst.RGBAAt(20, 5); got == DefaultBackground {
		t.Error("pixel (20, 5) is background, want the horizontal bar")
	}
}

func TestAllLayersHeaderAboveSheet(t *testing.T) {
	// The header's text sits in the top of its 21-pixel line: ink above
	// row 12 (its baseline is row 16).
	d := LayerData{Name: "conv2d_1", Type: "Conv2D", H: 2, W: 2, C: 1, Act: []float32{0, 1, 2, 3}}
	img := AllLayersSheet([]LayerData{d}, DefaultSheetOptions())
	bg := img.RGBAAt(0, 0)
	ink := false
	for y := 0; y < 12 && !ink; y++ {
		for x := 0; x < img.Rect.Dx(); x++ {
			if img.RGBAAt(x, y) != bg {
				ink = true
				break
			}
		}
	}
	if !ink {
		t.Error("no header text in rows 0–11")
	}
}
