package session

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/exemplars"
	"github.com/convscope/convscope/internal/model"
)

// exemplarsOf asks h for channel ch of layer and waits for the answer.
func exemplarsOf(t *testing.T, h *harness, layer string, ch int) []Exemplar {
	t.Helper()
	var ex []Exemplar
	got := false
	h.Exemplars(layer, ch, func(e []Exemplar) { ex, got = e, true })
	until(t, h, func() bool { return got })
	return ex
}

// An exemplar is its image as the network saw it (the file resized to the
// model's 12×12 input) with its receptive-field patch outlined in
// BoxColor, 2 pixels wide (max(2, 12/75)): inside the outline and outside
// the patch the picture is untouched. A file gone since the scan gives a
// blank (transparent) picture with the outline. Channels the layer does
// not have, and layers it does not know, give nil.
func TestExemplarImages(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	dir := t.TempDir()
	for i := range 4 {
		var buf bytes.Buffer
		png.Encode(&buf, testImage(30+i, 24, i+2))
		os.WriteFile(filepath.Join(dir, "i"+string(rune('0'+i))+".png"), buf.Bytes(), 0o644)
	}
	finished := false
	h.FindExemplars(dir, func(done, total int) {}, func(n int, err error) {
		if err != nil || n != 4 {
			t.Errorf("scan: %d images, %v", n, err)
		}
		finished = true
	})
	until(t, h, func() bool { return finished })

	for _, c := range []struct {
		layer string
		ch    int
		n     int
	}{
		{"conv2d_2", 0, 4}, {"conv2d_2", 5, 4}, {"conv2d_1", 0, 4},
		{"conv2d_2", 6, 0}, {"conv2d_2", -1, 0}, {"dense_1", 0, 0}, {"nope", 0, 0},
	} {
		if ex := exemplarsOf(t, h, c.layer, c.ch); len(ex) != c.n {
			t.Errorf("%s/%d: %d exemplars, want %d", c.layer, c.ch, len(ex), c.n)
		}
	}

	prep := h.Model().Prep()
	ex := exemplarsOf(t, h, "conv2d_2", 0)
	for _, e := range ex {
		img, err := model.FileLoader(e.Entry.Image)()
		if err != nil {
			t.Fatal(err)
		}
		_, seen, err := dataset.PreprocessImage(nil, img, prep)
		if err != nil {
			t.Fatal(err)
		}
		p := e.Patch
		if p.X1-p.X0 != 8 || p.Y1-p.Y0 != 8 || e.Image.Rect.Dx() != 12 || e.Image.Rect.Dy() != 12 {
			t.Fatalf("%s: patch %+v, image %v", e.Entry.Image, p, e.Image.Rect)
		}
		for y := range 12 {
			for x := range 12 {
				inPatch := y >= p.Y0 && y < p.Y1 && x >= p.X0 && x < p.X1
				inside := y >= p.Y0+2 && y < p.Y1-2 && x >= p.X0+2 && x < p.X1-2
				got := e.Image.RGBAAt(x, y)
				switch {
				case inPatch && !inside:
					if got != exemplars.BoxColor {
						t.Fatalf("%s (%d, %d) on the outline is %v", e.Entry.Image, x, y, got)
					}
				case got != seen.RGBAAt(x, y):
					t.Fatalf("%s (%d, %d) is %v, the network saw %v", e.Entry.Image, x, y, got, seen.RGBAAt(x, y))
				}
			}
		}
	}

	os.Remove(ex[0].Entry.Image)
	gone := exemplarsOf(t, h, "conv2d_2", 0)[0]
	p := gone.Patch
	if gone.Image.Rect.Dx() != 12 || gone.Image.RGBAAt(p.X0, p.Y0) != exemplars.BoxColor || gone.Image.RGBAAt(p.X0+3, p.Y0+3).A != 0 {
		t.Errorf("missing file: image %v, corner %v, inside %v", gone.Image.Rect, gone.Image.RGBAAt(p.X0, p.Y0), gone.Image.RGBAAt(p.X0+3, p.Y0+3))
	}
}
