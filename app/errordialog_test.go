package app

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestErrorDialogScrollsOnlyLongMessages: a message of up to eight lines is
// shown whole, a longer one scrolls. A one-line "No history" message sat in
// a box shorter than its line, with a scroll bar, and the refused NaN
// model's four lines (wrapped at 70 characters, wider than the 460-pixel
// box) wrapped again into five, the last out of view.
func TestErrorDialogScrollsOnlyLongMessages(t *testing.T) {
	u := newTestUI(t)
	phrase := "train the model first, then export its history "
	nan := "/tmp/polish-files/nan.safetensors: nn: conv2d_1/kernel holds 1 non-finite value(s), first NaN at [0 0 0 0] of shape (3, 3, 3, 32): refusing the model (a damaged file, or saved after training diverged)"
	for _, tc := range []struct {
		msg    string
		scroll bool
	}{
		{"train the model first", false},
		{strings.Repeat(phrase, 2), false},
		{nan, false},
		{strings.Repeat(phrase, 8), false}, // 6 lines
		{strings.Repeat(phrase, 20), true}, // 14 lines
	} {
		u.showError("Cannot open model", errors.New(strings.TrimSpace(tc.msg)))
		var scroll *container.Scroll
		for _, o := range test.LaidOutObjects(topOverlay(u)) {
			if s, ok := o.(*container.Scroll); ok {
				scroll = s
			}
		}
		if scroll == nil {
			t.Fatalf("%.30q: no scroll in the dialog", tc.msg)
		}
		// The lines as wrapped fit the width: the label does not wrap
		// them again into more lines than the height allows for.
		if w := widget.NewLabel(scroll.Content.(*widget.Label).Text).MinSize().Width; w > scroll.Size().Width {
			t.Errorf("%.30q: the lines need %v px, the dialog is %v wide (they wrap again)", tc.msg, w, scroll.Size().Width)
		}
		need, have := scroll.Content.MinSize().Height, scroll.Size().Height
		if !tc.scroll && need > have {
			t.Errorf("%.30q: the text needs %v px, the dialog shows %v (it scrolls)", tc.msg, need, have)
		}
		if tc.scroll && need <= have {
			t.Errorf("%.30q: the dialog is %v px tall for all of it; want it to scroll", tc.msg, have)
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
