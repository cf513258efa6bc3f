package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/convscope/convscope/internal/session"
)

// TestAtlasCancelIsNotAnError: Cancel on the Atlas tab left "Atlas:
// context canceled" in the status line and the progress bar where it
// stopped.
func TestAtlasCancelIsNotAnError(t *testing.T) {
	steps := session.AtlasSteps
	session.AtlasSteps = 1 << 20 // runs until cancelled
	defer func() { session.AtlasSteps = steps }()
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	selectTab(t, u, "Atlas")
	u.atlas.layer.SetSelected("conv2d_2")
	u.atlas.start()
	if !u.atlas.run.Disabled() {
		t.Fatal("Compute is enabled while the atlas runs")
	}
	u.atlas.stopRun()
	waitUntil(t, u, func() bool { return !u.atlas.run.Disabled() })
	if s := u.status.Text; strings.Contains(s, "context canceled") || s != "Atlas of conv2d_2 cancelled" {
		t.Errorf("status %q after Cancel", s)
	}
	if u.atlas.progress.Value != 0 || !u.atlas.cancel.Disabled() {
		t.Errorf("progress %v, Cancel enabled %v after Cancel", u.atlas.progress.Value, !u.atlas.cancel.Disabled())
	}
}

// TestExemplarsCancelIsNotAnError: Cancel in the "Finding exemplars"
// dialog opened a second dialog, "Cannot find exemplars: context
// canceled". A real failure still gets its dialog.
func TestExemplarsCancelIsNotAnError(t *testing.T) {
	u := newTestUI(t)
	for _, c := range []struct {
		err    error
		dialog bool
		status string
	}{
		{fmt.Errorf("exemplars: %w", context.Canceled), false, "Finding exemplars in /data cancelled"},
		{errors.New("no images in /data"), true, "Cannot find exemplars: no images in /data"},
		{nil, false, "Exemplars found in 12 images of /data: tap a channel to see its top 9"},
	} {
		for topOverlay(u) != nil {
			u.win.Canvas().Overlays().Remove(topOverlay(u))
		}
		u.exemplarsDone("/data", 12, c.err)
		if got := topOverlay(u) != nil; got != c.dialog {
			t.Errorf("%v: a dialog %v, expected %v (%q)", c.err, got, c.dialog, overlayText(u))
		}
		if !strings.HasPrefix(u.status.Text, c.status) {
			t.Errorf("%v: status %q, expected %q", c.err, u.status.Text, c.status)
		}
	}
}

// TestEscapeClosesAboutAndScan: Help ▸ About and the "Finding exemplars"
// progress dialog took no keys; Escape (and Enter for About) close them
// now, Escape stopping the scan as Cancel does, without an error dialog.
func TestEscapeClosesAboutAndScan(t *testing.T) {
	u := newTestUI(t)
	for _, key := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyReturn} {
		u.about()
		if !strings.Contains(overlayText(u), "About Convscope") {
			t.Fatalf("no About dialog: %q", overlayText(u))
		}
		pressKey(u, key)
		if topOverlay(u) != nil {
			t.Errorf("%s left %q open", key, overlayText(u))
		}
	}
	dir := t.TempDir()
	for i := range 40 {
		writePNG(t, dir, fmt.Sprintf("img%02d.png", i), 24, 24)
	}
	u.scanExemplars(dir)
	if !strings.Contains(overlayText(u), "Finding exemplars") {
		t.Fatalf("no progress dialog: %q", overlayText(u))
	}
	pressKey(u, fyne.KeyEscape)
	if topOverlay(u) != nil {
		t.Fatalf("Escape left %q open", overlayText(u))
	}
	settle(u)
	if topOverlay(u) != nil || strings.Contains(u.status.Text, "context canceled") {
		t.Errorf("after Escape: dialog %q, status %q", overlayText(u), u.status.Text)
	}
}
