package explain

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/")

// TestOverlayGolden pins the rendering: a 15×15 map with one hot cell and
// a weaker ring, placed by conv2d_4's geometry on a 150×150 gradient,
// turbo at 50 %; the hot cell's peak sits at input pixel (42.5, 58.5).
func TestOverlayGolden(t *testing.T) {
	grid := make([]float32, 15*15)
	grid[3*15+5] = 1
	for j := 0; j < 15; j++ {
		grid[10*15+j] = 0.4
	}
	g := Geometry{Start: [2]float64{18.5, 18.5}, Jump: [2]float64{8, 8}, Known: true}
	heat := Normalize(Upsample(grid, 15, 15, g, 150, 150), 150, 150)
	x := make([]float32, 150*150*3)
	for i := range x {
		p := i / 3
		x[i] = float32((p/150+p%150)%256) / 300
	}
	base, err := BaseImage(nil, x, 150, 150, 3)
	if err != nil {
		t.Fatal(err)
	}
	img, err := Overlay(nil, base, heat, mustMap(t, "turbo"), 0.5)
	if err != nil {
		t.Fatal(err)
	}
	testutil.CheckGolden(t, filepath.Join("testdata", "overlay.golden.png"), img, *update)
}
