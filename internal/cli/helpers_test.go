package cli

import (
	"image"
	"image/color"
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/internal/testutil"
	"github.com/convscope/convscope/nn"
)

// writeImage writes a w×h PNG with a colour gradient (varied by seed) to
// dir/name and returns its path.
func writeImage(t *testing.T, dir, name string, w, h, seed int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x*255/w + seed*40), uint8(y * 255 / h), uint8((x + y + seed) * 13), 255})
		}
	}
	path := filepath.Join(dir, name)
	testutil.WritePNG(t, path, img)
	return path
}

// tinyModel saves the testdata/tiny.json architecture (16×16×3 input, one
// sigmoid output) with weights drawn from seed, and returns its path.
func tinyModel(t *testing.T, dir string, seed int64, classes ...string) string {
	t.Helper()
	net, err := buildArch("testdata/tiny.json")
	if err != nil {
		t.Fatal(err)
	}
	net.Init(seed)
	path := filepath.Join(dir, "tiny.safetensors")
	if err := nn.SaveFile(path, net, nn.Metadata{ClassNames: classes}); err != nil {
		t.Fatal(err)
	}
	return path
}
