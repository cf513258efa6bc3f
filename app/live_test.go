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
	// The drawn band of the first layer on screen (the grid draws bands of
	// what is visible, on demand), or nil before it is drawn.
	firstSheet := func() *image.RGBA {
		for id, it := range u.grid.items {
			if it.header || it.band.Layer != 0 {
				continue
			}
			if r := u.grid.shown[id]; r != nil && r.id == id && r.sheet.sheet != nil {
				return r.sheet.sheet.Image
			}
		}
		return nil
	}
	if firstSheet() == nil {
		t.Fatal("no band of the first layer on screen")
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
		s := firstSheet()
		return f != nil && f.Live && u.grid.frame == f && s != nil && !bytes.Equal(s.Pix, old)
	})
	f := u.Frame()
	if f.Input.Name != before.Input.Name {
		t.Errorf("live frame of %q, want the image on screen %q", f.Input.Name, before.Input.Name)
	}
	if !strings.Contains(u.status.Text, "live weights from training") {
		t.Errorf("status %q does not say the weights are live", u.status.Text)
	}
	run.Stop()
	waitRun(t, u, "the run to stop", func() bool { return !run.Running() })
	settle(u)
}
