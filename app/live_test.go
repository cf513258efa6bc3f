package app

import (
	"bytes"
	"image"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestLiveActivationsReachTheGrid trains with "Live activations" on (the
// form's default) and waits for a frame computed from the training
// weights to be the one the grid draws; removing the push (the session's
// OnWeights → LiveWeights, or the form's Live field) fails it.
func TestLiveActivationsReachTheGrid(t *testing.T) {
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	before := u.Frame()
	if before == nil || before.Live {
		t.Fatalf("frame before training: %+v", before)
	}
	firstSheet := func() *image.RGBA {
		img, _ := u.grid.sections[0].sheet.img.Image.(*image.RGBA)
		return img
	}
	old := bytes.Clone(firstSheet().Pix)

	setupTinyTraining(u, "100000") // runs until stopped: snapshots are ≥ 500 ms apart
	tp := u.training
	tp.live.SetChecked(true)
	test.Tap(tp.start)
	settle(u)
	run := tp.current()
	if run == nil {
		t.Fatalf("training did not start: %q", tp.progress.Text)
	}
	waitRun(t, u, "a live frame on the grid", func() bool {
		f := u.Frame()
		return f != nil && f.Live && len(f.Layers) > 0 && firstSheet() == f.Layers[0].Sheet.Image
	})
	f := u.Frame()
	if f.Input.Name != before.Input.Name {
		t.Errorf("live frame of %q, want the image on screen %q", f.Input.Name, before.Input.Name)
	}
	if !strings.Contains(u.status.Text, "live weights from training") {
		t.Errorf("status %q does not say the weights are live", u.status.Text)
	}
	if bytes.Equal(firstSheet().Pix, old) {
		t.Error("the first layer's sheet did not change with the training weights")
	}
	run.Stop()
	waitRun(t, u, "the run to stop", func() bool { return !run.Running() })
	settle(u)
}
