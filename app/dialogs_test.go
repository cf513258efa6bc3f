package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// TestEscapeClosesTheInspector: Escape closes the channel inspector (issue
// #17 defect 6); with an error dialog over it, the first Escape closes the
// error and the second the inspector.
func TestEscapeClosesTheInspector(t *testing.T) {
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	esc := func() { u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape}) }
	u.inspect(u.Frame().Layers[0], 2)
	settle(u)
	if !strings.Contains(overlayText(u), "channel 2") {
		t.Fatalf("no inspector: %q", overlayText(u))
	}
	if u.win.Canvas().OnTypedKey() == nil {
		t.Fatal("the window takes no keys while the inspector is open")
	}
	esc()
	if topOverlay(u) != nil {
		t.Fatalf("Escape left %q open", overlayText(u))
	}

	u.inspect(u.Frame().Layers[0], 1)
	settle(u)
	u.showError("Export failed", errors.New("disk full"))
	esc()
	if got := overlayText(u); !strings.Contains(got, "channel 1") {
		t.Fatalf("the first Escape should close only the error: %q", got)
	}
	esc()
	if topOverlay(u) != nil {
		t.Errorf("the second Escape left %q open", overlayText(u))
	}

	// The other dialogs that only show something close the same way.
	for name, open := range map[string]func(){"Keyboard Shortcuts": u.showShortcuts, "Summary of": u.showModelSummary} {
		open()
		settle(u)
		if !strings.Contains(overlayText(u), name) {
			t.Fatalf("%s: not shown: %q", name, overlayText(u))
		}
		esc()
		if topOverlay(u) != nil {
			t.Errorf("%s: Escape left %q open", name, overlayText(u))
		}
	}
}

// TestStatusSaysCannotOpenOnce opens bad files every way the app can and
// checks that the status line never repeats itself ("Cannot open image:
// cannot open …", issue #17 defect 6).
func TestStatusSaysCannotOpenOnce(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "text.png")
	os.WriteFile(bad, []byte("not a png"), 0o644)
	txt := filepath.Join(dir, "notes.txt")
	os.WriteFile(txt, []byte("hello"), 0o644)
	model := filepath.Join(dir, "broken.safetensors")
	os.WriteFile(model, []byte("xx"), 0o644)
	u := newTestUI(t)
	for _, p := range []string{bad, txt, model, dir, filepath.Join(dir, "missing.png"), filepath.Join(dir, "missing.safetensors")} {
		u.openPath(p)
		settle(u)
		s := strings.ToLower(u.status.Text)
		if s == "" || strings.Count(s, "cannot open") > 1 || strings.Contains(s, ": cannot open") {
			t.Errorf("%s: status %q", filepath.Base(p), u.status.Text)
		}
		dismissOverlays(u)
	}
}

// TestThinImageThumbnailIsVisible opens a 10000×3 image: its original
// thumbnail was a line a fraction of a pixel high (issue #17 defect 10).
// It must cover a visible strip, stretched to the capped aspect, and say so.
func TestThinImageThumbnailIsVisible(t *testing.T) {
	for _, c := range []struct{ w, h int }{{10000, 3}, {3, 2000}, {60, 40}} {
		u := newTestUI(t)
		u.openPath(writePNG(t, t.TempDir(), "thin.png", c.w, c.h))
		settle(u)
		if f := u.Frame(); f == nil || f.Input.Name != "thin.png" {
			t.Fatalf("%d×%d: not opened; status %q", c.w, c.h, u.status.Text)
		}
		img := u.side.original
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(u.side.originalBox)
		box := u.side.originalBox.Size()
		shot := u.win.Canvas().Capture()
		// The picture's pixels: blue 128 (writePNG), nothing else here has it.
		n := 0
		for y := int(pos.Y); y < int(pos.Y+box.Height); y++ {
			for x := int(pos.X); x < int(pos.X+box.Width); x++ {
				_, _, b, _ := shot.At(x, y).RGBA()
				if d := int(b>>8) - 128; d > -12 && d < 12 {
					n++
				}
			}
		}
		area := box.Width * box.Height
		if float32(n) < area/maxThumbAspect/2 {
			t.Errorf("%d×%d: the thumbnail covers %d of %.0f pixels (image %v in a %v box)", c.w, c.h, n, area, img.Size(), box)
		}
		stretched := c.w > maxThumbAspect*c.h || c.h > maxThumbAspect*c.w
		if got := u.side.originalCap.Text; strings.Contains(got, "stretched") != stretched {
			t.Errorf("%d×%d: caption %q", c.w, c.h, got)
		}
		if s := img.Size(); !stretched && (s.Width/s.Height > 1.6 || s.Width/s.Height < 1.4) {
			t.Errorf("60×40 shown at %v: aspect not kept", s)
		}
	}
}
