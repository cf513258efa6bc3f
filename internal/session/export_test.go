package session

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A grid exactly at the pixel limit is written; the refusal of a bigger
// one says how big it would be and the limit, in megapixels (2²⁰ pixels).
func TestExportGridAtTheLimit(t *testing.T) {
	h := newHarness(t, wideModel(t))
	h.Open("a", "", loaderOf(testImage(12, 12, 1)))
	h.settle()
	f := h.last()
	px := GridPixels(f) // 203,728 (0.19 MP)
	defer func(l int) { gridLimit = l }(gridLimit)
	export := func(limit int) (string, error) {
		gridLimit = limit
		p := filepath.Join(t.TempDir(), "g.png")
		var err error
		h.ExportGrid(p, f, func(_ []string, e error) { err = e })
		h.settle()
		return p, err
	}
	if p, err := export(px); err != nil {
		t.Errorf("a grid at the limit: %v", err)
	} else if _, err := os.Stat(p); err != nil {
		t.Errorf("a grid at the limit was not written: %v", err)
	}
	_, err := export(3 << 16) // 0.1875 MP
	want := fmt.Sprintf("a picture of %.1f megapixels (at most 0.2)", float64(px)/(1<<20))
	if px <= 3<<16 || err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%d pixels over a limit of 0.19 MP: %v, want %q", px, err, want)
	}
}

// The activations of a frame are the network's buffers: once another
// image replaced them, exporting the old frame fails with a reason and
// writes nothing, while the frame on screen exports.
func TestExportStaleFrame(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a", "", loaderOf(testImage(16, 16, 1)))
	h.settle()
	old := h.last()
	h.Open("b", "", loaderOf(testImage(16, 16, 2)))
	h.settle()
	for _, f := range []*Frame{old, h.last()} {
		dir := t.TempDir()
		var paths []string
		var err error
		h.ExportActivations(dir, f, func(p []string, e error) { paths, err = p, e })
		h.settle()
		entries, _ := os.ReadDir(dir)
		switch stale := f == old; {
		case stale && (err == nil || !strings.Contains(err.Error(), "export again") || len(entries) != 0):
			t.Errorf("stale frame: %v, %v, %d files", paths, err, len(entries))
		case !stale && (err != nil || len(paths) != 3 || len(entries) != 3):
			t.Errorf("frame on screen: %v, %v, %d files", paths, err, len(entries))
		}
	}
}
