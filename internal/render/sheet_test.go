package render

import (
	"bytes"
	"image"
	"image/color"
	"math"
	"testing"

	"github.com/convscope/convscope/internal/colormap"
)

// TestRenderChannelMatchesSheet: RenderChannel into a tile-sized image gives
// the sheet's tile, for up-, down- and unscaled tiles and every mode.
func TestRenderChannelMatchesSheet(t *testing.T) {
	act := synthetic(12, 10, 20)
	for _, size := range []int{0, 30, 7} {
		for _, mode := range []ScaleMode{Standardize, MinMax, Layer} {
			o := SheetOptions{TileSize: size, Gap: 1, Mode: mode, Workers: 1, Map: colormap.MustByName("magma")}
			s := LayerSheet(nil, act, 12, 10, 20, o)
			for _, ch := range []int{0, 7, 19} {
				r := s.Layout.Tile(ch)
				img := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
				RenderChannel(img, act, 12, 10, 20, ch, mode, o.Map, &s.Stats)
				for y := range r.Dy() {
					a := img.Pix[y*img.Stride : y*img.Stride+4*r.Dx()]
					o := s.Image.PixOffset(r.Min.X, r.Min.Y+y)
					if !bytes.Equal(a, s.Image.Pix[o:o+len(a)]) {
						t.Fatalf("size %d %v ch %d row %d: RenderChannel differs from the sheet", size, mode, ch, y)
					}
				}
			}
		}
	}
}

// TestRenderChannelBlocks: a 2×3 map drawn 4× larger is made of 4×4 blocks
// of the right colours, and a sub-image destination is honoured.
func TestRenderChannelBlocks(t *testing.T) {
	act := []float32{0, 1, 2, 3, 4, 5} // h 2, w 3, c 1
	var s LayerStats
	s.Compute(act, 2, 3, 1, 0)
	m := colormap.MustByName("gray")
	big := image.NewRGBA(image.Rect(0, 0, 20, 10))
	dst := big.SubImage(image.Rect(4, 1, 16, 9)).(*image.RGBA)
	RenderChannel(dst, act, 2, 3, 1, 0, MinMax, m, &s)
	if n := testing.AllocsPerRun(5, func() { RenderChannel(dst, act, 2, 3, 1, 0, MinMax, m, &s) }); n != 0 {
		t.Errorf("RenderChannel allocates %v times", n)
	}
	for y := range 10 {
		for x := range 20 {
			got := big.RGBAAt(x, y)
			if x < 4 || x >= 16 || y < 1 || y >= 9 {
				if got.A != 0 {
					t.Fatalf("pixel (%d, %d) outside the destination was written", x, y)
				}
				continue
			}
			// Min–max maps 0…5 to 0…255 in steps of 51; the gray map is the
			// identity, so the expected colours are literal.
			level := []uint8{0, 51, 102, 153, 204, 255}[(y-1)/4*3+(x-4)/4]
			if want := (color.RGBA{level, level, level, 255}); got != want {
				t.Fatalf("pixel (%d, %d) = %v, want %v", x, y, got, want)
			}
		}
	}
}

// TestSheetNeverNaN: pathological channels still render every tile pixel as
// a colormap entry (or the dead/constant hatch), with the documented colours.
func TestSheetNeverNaN(t *testing.T) {
	const h, w, c = 4, 4, 6
	act := make([]float32, h*w*c)
	for p := range h * w {
		act[p*c+0] = 0                       // dead
		act[p*c+1] = 7                       // constant
		act[p*c+2] = float32(p) * 1e37       // huge
		act[p*c+3] = -float32(p) - 1         // negative
		act[p*c+4] = float32(math.NaN())     // all NaN
		act[p*c+5] = float32(p%3) * 0.000001 // tiny
	}
	act[5*c+5] = float32(math.Inf(1))
	for _, mode := range []ScaleMode{Standardize, MinMax, Layer} {
		o := SheetOptions{TileSize: 8, Mode: mode, Workers: 1}
		s := LayerSheet(nil, act, h, w, c, o)
		lut := colormap.MustByName("viridis").LUT()
		ok := map[[4]uint8]bool{rgbaArr(DeadColor): true, rgbaArr(ConstantColor): true}
		for _, e := range lut {
			ok[e] = true
		}
		for ch := range c {
			r := s.Layout.Tile(ch)
			for y := r.Min.Y; y < r.Max.Y; y++ {
				for x := r.Min.X; x < r.Max.X; x++ {
					if p := rgbaArr(s.Image.RGBAAt(x, y)); !ok[p] {
						t.Fatalf("%v ch %d (%d, %d): %v is not a colormap colour", mode, ch, x, y, p)
					}
				}
			}
		}
		// Unhatched pixel (1, 0) of the dead and constant tiles.
		want := map[ScaleMode]uint8{Standardize: 128, MinMax: 0, Layer: 0}[mode]
		for ch := range 2 {
			r := s.Layout.Tile(ch)
			if got := rgbaArr(s.Image.RGBAAt(r.Min.X+hatchWidth, r.Min.Y)); got != lut[want] && mode != Layer {
				t.Errorf("%v: constant channel %d shows %v, want entry %d", mode, ch, got, want)
			}
		}
		for ch := range c {
			if cs := s.Stats.Channels[ch]; math.IsNaN(cs.Mean) || math.IsNaN(cs.Std) || math.IsInf(cs.Std, 0) {
				t.Errorf("ch %d: stats %+v", ch, cs)
			}
		}
		if tr := s.p.tr[2]; math.IsNaN(float64(tr.A)) || math.IsInf(float64(tr.A), 0) {
			t.Errorf("%v: huge channel transfer %+v", mode, tr)
		}
	}
}

func rgbaArr(c interface{ RGBA() (r, g, b, a uint32) }) [4]uint8 {
	r, g, b, a := c.RGBA()
	return [4]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
}

// TestSheetReuse: re-rendering reuses the image and does not allocate; a
// changed input fully repaints (labels and marks included); workers agree.
func TestSheetReuse(t *testing.T) {
	const h, w, c = 15, 15, 24
	a1, a2 := synthetic(h, w, c), synthetic(h, w, c)
	for i := range a2 {
		a2[i] = a1[len(a1)-1-i] // the dead and constant channels move
	}
	o := DefaultSheetOptions()
	o.Workers = 1
	fresh := func(a []float32) []byte { return LayerSheet(nil, a, h, w, c, o).Image.Pix }
	s := LayerSheet(nil, a1, h, w, c, o)
	img := s.Image
	LayerSheet(s, a2, h, w, c, o)
	if s.Image != img || !bytes.Equal(s.Image.Pix, fresh(a2)) {
		t.Error("re-render into a used sheet differs from a fresh render")
	}
	LayerSheet(s, a1, h, w, c, o)
	if !bytes.Equal(s.Image.Pix, fresh(a1)) {
		t.Error("second re-render differs from a fresh render")
	}
	if n := testing.AllocsPerRun(5, func() { LayerSheet(s, a1, h, w, c, o) }); n != 0 {
		t.Errorf("re-render allocates %v times", n)
	}
	// A smaller shape reuses the pixel memory.
	small := synthetic(7, 7, 24)
	LayerSheet(s, small, 7, 7, 24, o)
	if &s.Image.Pix[0] != &img.Pix[0] || !bytes.Equal(s.Image.Pix, LayerSheet(nil, small, 7, 7, 24, o).Image.Pix) {
		t.Error("smaller layer: memory not reused or result differs")
	}
	o2 := o
	o2.Workers = 2
	big := synthetic(72, 72, 16)
	if !bytes.Equal(LayerSheet(nil, big, 72, 72, 16, o).Image.Pix, LayerSheet(nil, big, 72, 72, 16, o2).Image.Pix) {
		t.Error("2 workers render differently from 1")
	}
}

func TestSheetPanicsOnShape(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for a wrong shape")
		}
	}()
	LayerSheet(nil, make([]float32, 10), 3, 3, 1, SheetOptions{})
}

func TestHatch(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 12, 12))
	Hatch(img, image.Rect(2, 2, 20, 8), DeadColor)
	n := 0
	for y := range 12 {
		for x := range 12 {
			in := x >= 2 && y >= 2 && y < 8
			marked := img.RGBAAt(x, y) == DeadColor
			if marked && !in {
				t.Fatalf("(%d, %d) marked outside the rectangle", x, y)
			}
			if marked != (in && ((x-2)-(y-2)+60)%6 < 2) {
				t.Fatalf("(%d, %d): marked %v", x, y, marked)
			}
			if marked {
				n++
			}
		}
	}
	if n == 0 {
		t.Error("nothing hatched")
	}
}

func colormapLUT(name string) *[256][4]uint8 { return colormap.MustByName(name).LUT() }
