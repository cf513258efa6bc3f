package app

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
)

// TestErrorDialogScrollsOnlyLongMessages: a message of up to eight lines is
// shown whole (a one-line "No history" message sat in a box shorter than
// its line, with a scroll bar), a longer one scrolls.
func TestErrorDialogScrollsOnlyLongMessages(t *testing.T) {
	u := newTestUI(t)
	for _, repeats := range []int{1, 2, 3, 8, 20} { // 48-character phrases, wrapped at 70
		msg := strings.TrimSpace(strings.Repeat("train the model first, then export its history ", repeats))
		u.showError("No history", errors.New(msg))
		var scroll *container.Scroll
		for _, o := range test.LaidOutObjects(topOverlay(u)) {
			if s, ok := o.(*container.Scroll); ok {
				scroll = s
			}
		}
		if scroll == nil {
			t.Fatalf("%d phrases: no scroll in the dialog", repeats)
		}
		need, have := scroll.Content.MinSize().Height, scroll.Size().Height
		if repeats <= 8 && need > have {
			t.Errorf("%d phrases: the text needs %v px, the dialog shows %v (it scrolls)", repeats, need, have)
		}
		if repeats > 8 && need <= have {
			t.Errorf("%d phrases: the dialog is %v px tall for all of it; want it to scroll", repeats, have)
		}
		dismissOverlays(u)
	}
}

// TestEscapeCancelsOpenDialogs: Escape closes the Open Image and Open Model
// dialogs (Fyne's file dialog took no keys); typing still goes to the window
// afterwards.
func TestEscapeCancelsOpenDialogs(t *testing.T) {
	u := newTestUI(t)
	for name, open := range map[string]func(){"Open Image": u.openImageDialog, "Open Model": u.openModelDialog} {
		open()
		if topOverlay(u) == nil {
			t.Fatalf("%s: no dialog", name)
		}
		pressKey(u, fyne.KeyEscape)
		settle(u)
		if topOverlay(u) != nil {
			t.Errorf("%s: Escape left %q", name, overlayText(u))
		}
		dismissOverlays(u)
	}
}
