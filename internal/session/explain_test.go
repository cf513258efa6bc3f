package session

import (
	"context"
	"errors"
	"image"
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/internal/npy"
)

// TestExplain runs an explanation on the worker: the overlay has the
// network input's size, the result arrives on the UI goroutine, the work
// runs off it, and both exports write files.
func TestExplain(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	var got *Explanation
	h.Explain(ExplainOptions{Method: "gradcam", Class: -1, Opacity: 0.5}, nil, func(e *Explanation) { got = e })
	h.settle()
	if got == nil || got.Err == nil {
		t.Fatalf("no image yet: expected an error, received %+v", got)
	}
	h.Open("grad.png", "", loaderOf(testImage(40, 30, 1)))
	h.settle()
	var steps []int
	for _, m := range ExplainMethods() {
		got = nil
		h.Explain(ExplainOptions{Method: m, Class: 1, Opacity: 0.5}, func(done, total int) { steps = append(steps, done) },
			func(e *Explanation) { got = e })
		h.settle()
		if got == nil || got.Err != nil {
			t.Fatalf("%s: %+v", m, got)
		}
		if got.Overlay.Bounds() != image.Rect(0, 0, 12, 12) || got.Class != "light" || got.ColorBar == nil ||
			got.Original.Bounds() != image.Rect(0, 0, 40, 30) {
			t.Errorf("%s: overlay %v, class %q", m, got.Overlay.Bounds(), got.Class)
		}
	}
	if h.work["explain"] != len(ExplainMethods()) {
		t.Errorf("explain ran %d times", h.work["explain"])
	}
	if len(steps) == 0 {
		t.Error("no progress from SmoothGrad and IG")
	}
	if layers, def := ExplainLayers(h.Model()); def != "conv2d_2" || len(layers) != 3 {
		t.Errorf("layers %v, default %q", layers, def)
	}
	dir := t.TempDir()
	for _, asNPY := range []bool{false, true} {
		var err error = errors.New("not called")
		p := filepath.Join(dir, "x.png")
		if asNPY {
			p = filepath.Join(dir, "x.npy")
		}
		h.SaveExplanation(got, p, asNPY, func(e error) { err = e })
		h.settle()
		if err != nil {
			t.Errorf("save %s: %v", p, err)
		}
	}
	if shape, _, err := npy.ReadFile(filepath.Join(dir, "x.npy")); err != nil || len(shape) != 3 {
		t.Errorf("npy: %v %v", shape, err)
	}
	// The sanity check: the model, then the layers with weights from the
	// top: dense_1, conv2d_2, conv2d_1.
	var imgs []SanityImage
	var serr error
	h.SanityCheck(ExplainOptions{Method: "gradcam", Class: -1, Opacity: 0.5}, func(s []SanityImage, err error) { imgs, serr = s, err })
	h.settle()
	if serr != nil || len(imgs) != 4 || imgs[0].Randomized != "" || imgs[1].Randomized != "dense_1" || imgs[3].Randomized != "conv2d_1" {
		t.Fatalf("sanity check: %v, %d images", serr, len(imgs))
	}
	if imgs[0].Spearman != 1 || imgs[3].Overlay.Bounds() != image.Rect(0, 0, 12, 12) {
		t.Errorf("first Spearman %g, overlay %v", imgs[0].Spearman, imgs[3].Overlay.Bounds())
	}
	// Cancel: SmoothGrad stops with context.Canceled.
	got = nil
	cancel := h.Explain(ExplainOptions{Method: "smoothgrad", Class: -1}, nil, func(e *Explanation) { got = e })
	cancel()
	h.settle()
	if got == nil || !errors.Is(got.Err, context.Canceled) {
		t.Errorf("cancelled: %+v", got)
	}
}
