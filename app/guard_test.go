package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
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
