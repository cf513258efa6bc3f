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
