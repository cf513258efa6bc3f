package dataset

import (
	"fmt"
	"image"
	"image/color"
	"os"
	"testing"
)

// pilInput is the deterministic NRGBA test picture that testdata/pil's
// expected outputs were made from (see testdata/pil/README.md): smooth
// gradients, a hard-edged pattern and a partly transparent region whose
// straight colours must survive alpha being dropped.
func pilInput(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			r := uint8(x * 255 / max(w-1, 1))
			g := uint8(y * 255 / max(h-1, 1))
			b := uint8((x*x*7 + y*13 + x*y*3) % 256)
			a := uint8(255)
			if x < w/4 && y < h/4 {
				a = uint8(40 + (x+y)%100)
			}
			m.SetNRGBA(x, y, color.NRGBA{r, g, b, a})
		}
	}
	return m
}

// TestResizeMatchesPIL pins both interpolations and both colour modes to the
// bytes PIL 9.4 produces for Keras' load_img (convert, then resize).
func TestResizeMatchesPIL(t *testing.T) {
	// {input w, h, output w, h}. 500×375 → 150×150 is a width where a naive
	// nearest position formula (x·in/out) disagrees with Pillow's (centre
	// sampling); 2×2 → 7×7 upscales by a non-integer factor.
	for _, c := range [][4]int{{97, 61, 40, 30}, {23, 17, 40, 30}, {500, 375, 150, 150}, {2, 2, 7, 7}} {
		for _, interp := range []Interpolation{Nearest, Bilinear} {
			for _, mode := range []ColorMode{RGB, Grayscale} {
				name := fmt.Sprintf("%dx%d_%s_%s", c[0], c[1], interp, mode)
				if c[2] != 40 || c[3] != 30 {
					name = fmt.Sprintf("%dx%d_to_%dx%d_%s_%s", c[0], c[1], c[2], c[3], interp, mode)
				}
				t.Run(name, func(t *testing.T) {
					want := readGolden(t, "testdata/pil/"+name+".png", mode.Channels())
					got, err := Preprocess(nil, pilInput(c[0], c[1]), Options{Height: c[3], Width: c[2], ColorMode: mode, Interpolation: interp, Rescale: 1})
					if err != nil {
						t.Fatal(err)
					}
					if len(got) != len(want) {
						t.Fatalf("len %d, want %d", len(got), len(want))
					}
					for i := range got {
						if got[i] != float32(want[i]) {
							t.Fatalf("value %d (pixel %d, channel %d) = %v, PIL gives %d", i, i/mode.Channels(), i%mode.Channels(), got[i], want[i])
						}
					}
				})
			}
		}
	}
}

// readGolden returns a PNG's pixels as HWC bytes with c channels.
func readGolden(t *testing.T, path string, c int) []uint8 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	out := make([]uint8, 0, b.Dx()*b.Dy()*c)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			switch m := img.(type) {
			case *image.Gray:
				out = append(out, m.GrayAt(x, y).Y)
			case *image.RGBA:
				p := m.RGBAAt(x, y)
				out = append(out, p.R, p.G, p.B)
			case *image.NRGBA:
				p := m.NRGBAAt(x, y)
				out = append(out, p.R, p.G, p.B)
			default:
				t.Fatalf("%s: unexpected %T", path, img)
			}
		}
	}
	return out
}
