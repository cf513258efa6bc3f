package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
)

// typeShortcut types a key combination on the window's canvas, as the
// driver does when the user presses it (a new value, not the package's
// scOpen… variables, so only the key and modifiers have to match).
func typeShortcut(t *testing.T, u *UI, key fyne.KeyName, mod fyne.KeyModifier) {
	t.Helper()
	c, ok := u.win.Canvas().(fyne.Shortcutable)
	if !ok {
		t.Fatal("the test canvas does not take shortcuts")
	}
	c.TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod})
	settle(u)
}

// overlayText returns every text drawn in the top overlay (a dialog),
// joined by newlines.
func overlayText(u *UI) string {
	o := topOverlay(u)
	if o == nil {
		return ""
	}
	var b strings.Builder
	for _, obj := range test.LaidOutObjects(o) {
		if tx, ok := obj.(*canvas.Text); ok {
			b.WriteString(tx.Text + "\n")
		}
	}
	return b.String()
}

// TestKeyboardShortcuts types each shortcut on the window's canvas and
// checks what it did, so unwiring one (addShortcuts) fails here.
func TestKeyboardShortcuts(t *testing.T) {
	ctrl := fyne.KeyModifierShortcutDefault
	dir := t.TempDir()
	writePNG(t, dir, "picture.png", 8, 8)
	os.WriteFile(filepath.Join(dir, "weights.safetensors"), []byte("x"), 0o644)
	u := newTestUI(t)
	u.app.Preferences().SetString(prefLastFolder, dir)

	dialogs := []struct {
		name      string
		key       fyne.KeyName
		mod       fyne.KeyModifier
		want, not string
	}{
		// The file dialog shows a file's name and extension apart.
		{"Ctrl+O opens images", fyne.KeyO, ctrl, "Open Image", "weights"},
		{"Ctrl+O lists images", fyne.KeyO, ctrl, "picture\n", "weights"},
		{"Ctrl+Shift+O opens models", fyne.KeyO, ctrl | fyne.KeyModifierShift, "weights\n", "picture"},
		{"Ctrl+S saves the model", fyne.KeyS, ctrl, "Save Model", "Open Image"},
		{"Ctrl+E without a frame says so", fyne.KeyE, ctrl, "Nothing to export", "Save Model"},
	}
	for _, d := range dialogs {
		dismissOverlays(u)
		typeShortcut(t, u, d.key, d.mod)
		got := overlayText(u)
		if !strings.Contains(got, d.want) || strings.Contains(got, d.not) {
			t.Errorf("%s: dialog shows %q; want %q and not %q", d.name, got, d.want, d.not)
		}
	}
	dismissOverlays(u)

	// Ctrl+N: the first sample, then the next.
	for _, want := range []string{"sample 1 (circles)", "sample 2 (crosses)"} {
		typeShortcut(t, u, fyne.KeyN, ctrl)
		if f := u.Frame(); f == nil || f.Input.Name != want {
			t.Fatalf("Ctrl+N: frame %v, want %q", f, want)
		}
	}
	// Ctrl+E with a frame: a save dialog named after the sample.
	typeShortcut(t, u, fyne.KeyE, ctrl)
	if got := overlayText(u); !strings.Contains(got, "sample 2 (crosses)-activations.png") {
		t.Errorf("Ctrl+E: dialog shows %q, want the file name sample 2 (crosses)-activations.png", got)
	}
	dismissOverlays(u)

	// Zoom: 56 → ×1.25 = 70 → ×1.25 = 88 (Ctrl+= and Ctrl++) → ×0.8 = 70 → reset 56.
	for _, z := range []struct {
		key  fyne.KeyName
		tile int
	}{{fyne.KeyEqual, 70}, {fyne.KeyPlus, 88}, {fyne.KeyMinus, 70}, {fyne.Key0, 56}, {fyne.KeyMinus, 45}} {
		typeShortcut(t, u, z.key, ctrl)
		if got := u.ses.View().Tile; got != z.tile {
			t.Errorf("Ctrl+%s: tile %d, want %d", z.key, got, z.tile)
		}
	}

	// Ctrl+T: the Training tab.
	typeShortcut(t, u, fyne.KeyT, ctrl)
	if got := u.tabs.SelectedIndex(); got != 1 {
		t.Errorf("Ctrl+T: tab %d selected, want 1 (Training)", got)
	}

	// Ctrl+Q: quits, remembering the window size (1000×700 in newTestUI).
	typeShortcut(t, u, fyne.KeyQ, ctrl)
	p := u.app.Preferences()
	if w, h := p.FloatWithFallback(prefWidth, 0), p.FloatWithFallback(prefHeight, 0); w != 1000 || h != 700 {
		t.Errorf("Ctrl+Q: remembered size %v×%v, want 1000×700 (closeNow not called)", w, h)
	}
}
