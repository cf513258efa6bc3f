package app

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// A panicking action is reported in the status bar; the window lives on.
func TestGuardReportsPanics(t *testing.T) {
	u := newTestUI(t)
	u.guard("Export Grid as PNG…", func() { panic("boom") })()
	if got := u.status.Text; !strings.Contains(got, "Internal error in Export Grid as PNG…: boom") {
		t.Errorf("status %q", got)
	}
	ran := false
	u.guard("Zoom In", func() { ran = true })()
	if !ran {
		t.Error("a guarded action did not run")
	}
	if u.guard("nothing", nil) != nil {
		t.Error("guard(nil) should stay nil (a menu item without action)")
	}
}

// A drop-down the driver lost track of (no canvas: issue #17's crash in
// Select.showPopUp) opens its list on the window's canvas instead of
// panicking, and choosing from it works.
func TestDetachedSelectDoesNotPanic(t *testing.T) {
	u := newTestUI(t)
	var chosen string
	s := newTipSelect([]string{"viridis", "magma"}, "Colormap", newTipper(u.win), func(v string) { chosen = v })
	s.Resize(fyne.NewSize(120, 36))
	lookup := canvasFor
	canvasFor = func(fyne.CanvasObject) fyne.Canvas { return nil } // as the GL driver after its cache dropped s
	defer func() { canvasFor = lookup }()
	test.Tap(s) // Fyne 2.7.4's Select.showPopUp panics without a canvas
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatal("no drop-down list opened")
	}
	s.SetSelected("magma")
	if chosen != "magma" {
		t.Errorf("chosen %q", chosen)
	}
	u.win.Canvas().Overlays().Remove(top)
	s.Disable()
	test.Tap(s)
	if u.win.Canvas().Overlays().Top() != nil {
		t.Error("a disabled drop-down opened")
	}
}

// labelsIn returns the texts of the labels in o's widget tree.
func labelsIn(o fyne.CanvasObject) []string {
	var out []string
	switch w := o.(type) {
	case *widget.Label:
		return []string{w.Text}
	case *fyne.Container:
		for _, c := range w.Objects {
			out = append(out, labelsIn(c)...)
		}
		return out
	}
	if w, ok := o.(fyne.Widget); ok {
		for _, c := range test.WidgetRenderer(w).Objects() {
			out = append(out, labelsIn(c)...)
		}
	}
	return out
}

// Error dialogs keep file names as written, stay small for long messages,
// close with Enter or Escape, and the status line does not repeat itself
// (issue #17 defect 6).
func TestErrorDialog(t *testing.T) {
	u := newTestUI(t)
	u.showError("Cannot open image", &session.OpenError{Name: "text.png", Err: errors.New("not a supported image")})
	top := topOverlay(u)
	if top == nil {
		t.Fatal("no dialog")
	}
	if got := strings.Join(labelsIn(top), "|"); !strings.Contains(got, "text.png could not be opened") {
		t.Errorf("dialog texts %q", got)
	}
	if got := u.status.Text; got != "Cannot open text.png: not a supported image" {
		t.Errorf("status %q", got)
	}
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if topOverlay(u) != nil {
		t.Error("Escape did not close the dialog")
	}

	long := strings.Repeat("a very long explanation of what went wrong ", 100)
	u.showError("Export failed", errors.New(long))
	if h := topOverlay(u).MinSize().Height; h > 500 {
		t.Errorf("a long message makes the dialog %v tall", h)
	}
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if topOverlay(u) != nil {
		t.Error("Enter did not close the dialog")
	}
	u.showError("Cannot open model", errors.New("cannot open model: the file is truncated"))
	if got := u.status.Text; got != "Cannot open model: the file is truncated" {
		t.Errorf("status %q repeats the title", got)
	}
	dismissOverlays(u)
}

// Every drop-down in the window is a guarded one (tipSelect): the Explain,
// Atlas and Training pages had nine plain widget.Selects, which panic in
// Select.showPopUp like the toolbar's did (issue #17 defect 1). And a
// guarded drop-down without a tooltip opens without a canvas too.
func TestNoPlainSelects(t *testing.T) {
	u := newTestUI(t)
	var walk func(o fyne.CanvasObject, path string)
	found := 0
	walk = func(o fyne.CanvasObject, path string) {
		switch w := o.(type) {
		case *widget.Select:
			t.Errorf("a plain widget.Select (options %q) in %s", w.Options, path)
			return
		case *tipSelect:
			found++
			return
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c, path)
			}
			return
		}
		if w, ok := o.(fyne.Widget); ok {
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c, path)
			}
		}
	}
	// Tabs other than Activations join the window when first shown
	// (lazyTab): show each, as a user would, before walking it.
	for _, it := range u.tabs.Items {
		u.tabs.Select(it)
		walk(it.Content, it.Text)
	}
	u.tabs.SelectIndex(0)
	walk(u.win.Content(), "the window")
	walk(u.training.xfer.obj, "the transfer options")
	if found < 12 {
		t.Errorf("%d guarded drop-downs, want the toolbar's 2, Explain's 4, Atlas' 2, Training's 2 and transfer's 2", found)
	}

	s := newSelect([]string{"gap", "flatten"}, u.win, nil)
	s.Resize(fyne.NewSize(120, 36))
	lookup := canvasFor
	canvasFor = func(fyne.CanvasObject) fyne.Canvas { return nil }
	defer func() { canvasFor = lookup }()
	test.Tap(s)
	if u.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no drop-down list opened")
	}
}
