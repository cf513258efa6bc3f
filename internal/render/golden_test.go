package render

import (
	"flag"
	"image"
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/")

// checkGolden compares img with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, img *image.RGBA) {
	t.Helper()
	testutil.CheckGolden(t, filepath.Join("testdata", name), img, *update)
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
