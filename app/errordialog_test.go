package app

import (
	"errors"
	"fmt"
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

// TestPreprocessQuestionAnswersEnter: the ONNX preprocessing question opens
// the model with the chosen preset on Enter, also after a click on a
// preset, and Escape cancels it. (In the real window the clicked radio item
// kept the focus and took Enter; Fyne's test driver gives a tapped item no
// focus, so only the focus check below and the screenshots show that.)
func TestPreprocessQuestionAnswersEnter(t *testing.T) {
	u := newTestUI(t)
	var chosen []string
	u.askPreprocess("m.onnx", "", func(p string) { chosen = append(chosen, p) })
	var items []fyne.Tappable
	for _, o := range test.LaidOutObjects(topOverlay(u)) {
		if it, ok := o.(fyne.Tappable); ok && strings.Contains(fmt.Sprintf("%T", o), "radioItem") {
			items = append(items, it)
		}
	}
	if len(items) < 2 {
		t.Fatalf("%d preset radio items in %q", len(items), overlayText(u))
	}
	test.Tap(items[1]) // imagenet: the click focuses the item
	if f := u.win.Canvas().Focused(); f != nil {
		t.Errorf("after choosing a preset %T keeps the focus: Enter goes to it", f)
	}
	pressKey(u, fyne.KeyReturn)
	settle(u)
	if topOverlay(u) != nil || len(chosen) != 1 || chosen[0] != "imagenet" {
		t.Errorf("Enter: dialog %q, chosen %q; want imagenet", overlayText(u), chosen)
	}
	u.askPreprocess("m.onnx", "", func(p string) { chosen = append(chosen, p) })
	pressKey(u, fyne.KeyEscape)
	settle(u)
	if topOverlay(u) != nil || len(chosen) != 1 {
		t.Errorf("Escape: dialog %q, chosen %q", overlayText(u), chosen)
	}
}
