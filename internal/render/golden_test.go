package render

import (
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/")

// checkGolden compares img pixel by pixel with testdata/name (decoded, so a
// different PNG encoder does not matter), or rewrites it with -update.
func checkGolden(t *testing.T, name string, img *image.RGBA) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := WritePNG(path, img); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if want.Bounds() != img.Bounds() {
		t.Fatalf("%s: size %v, golden %v", name, img.Bounds(), want.Bounds())
	}
	bad := 0
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			r, g, b, a := want.At(x, y).RGBA()
			c := img.RGBAAt(x, y)
			if uint8(r>>8) != c.R || uint8(g>>8) != c.G || uint8(b>>8) != c.B || uint8(a>>8) != c.A {
				if bad == 0 {
					t.Errorf("%s: first difference at (%d, %d): got %v, golden %v", name, x, y, c, want.At(x, y))
				}
				bad++
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d pixels differ (inspect with go test -update and git diff)", name, bad)
	}
}

func TestGoldenSheet(t *testing.T) {
	act := synthetic(12, 10, 20) // channel 3 dead, 5 constant
	o := DefaultSheetOptions()
	o.Cols, o.TileSize = 8, 30
	checkGolden(t, "sheet.png", LayerSheet(nil, act, 12, 10, 20, o).Image)
}

func TestGoldenColorBar(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
		mode ScaleMode
	}{
		{"colorbar_standardize.png", 300, 40, Standardize},
		{"colorbar_layer_vertical.png", 70, 200, Layer},
	} {
		img := image.NewRGBA(image.Rect(0, 0, tc.w, tc.h))
		ColorBar(img, nil, tc.mode, -0.5, 3.25)
		checkGolden(t, tc.name, img)
	}
}

// TestGoldenDead is a close-up of the dead and constant marks: a 4-channel
// 5×5 layer with channel 1 dead and channel 2 constant, 55-pixel tiles
// (wide enough for the "dead" and "const" words).
func TestGoldenDead(t *testing.T) {
	act := make([]float32, 5*5*4)
	for p := range 25 {
		act[p*4+0] = float32(p)
		act[p*4+2] = 3
		act[p*4+3] = float32(p % 5)
	}
	o := DefaultSheetOptions()
	o.TileSize = 56
	s := LayerSheet(nil, act, 5, 5, 4, o)
	if !s.Stats.Channels[1].Dead || !s.Stats.Channels[2].Constant || s.Stats.Channels[2].Dead {
		t.Fatalf("stats: %+v", s.Stats.Channels)
	}
	checkGolden(t, "dead.png", s.Image)
}

func TestGoldenKernels(t *testing.T) {
	w := make([]float32, 3*3*3*6)
	for i := range w {
		w[i] = float32((i*37)%23) - 11
	}
	o := DefaultSheetOptions()
	o.TileSize = 24
	checkGolden(t, "kernels_rgb.png", KernelSheet(nil, w, 3, 3, 3, 6, -1, o).Image)
	checkGolden(t, "kernels_filter2.png", KernelSheet(nil, w, 3, 3, 3, 6, 2, SheetOptions{TileSize: 24, Gap: 2, Labels: true}).Image)
}

func TestGoldenHistogram(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 128, 48))
	Histogram(img, []int{500, 3, 9, 20, 40, 30, 12, 0, 2, 1, 0, 1, 4, 8, 6, 3}, nil, true)
	checkGolden(t, "histogram.png", img)
}
