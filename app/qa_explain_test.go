package app

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/session"
)

// TestExplainViewFillsItsFrame: the overlay was drawn at 3 screen pixels
// per input pixel, so the 24×24 test model's (like the 28×28
// Fashion-MNIST model's) heat map was a 72-pixel picture in the corner of
// the 450-pixel frame. Every input size now shows 450 pixels on its
// longer side, with its aspect.
func TestExplainViewFillsItsFrame(t *testing.T) {
	for _, c := range []struct {
		w, h         int
		wantW, wantH float32
	}{
		{150, 150, 450, 450}, // the tutorial's input: 3× as before
		{28, 28, 450, 450},
		{224, 224, 450, 450},
		{300, 150, 450, 225},
		{0, 0, 0, 0},
	} {
		got := explainViewSize(c.w, c.h)
		if fmt.Sprintf("%.1f×%.1f", got.Width, got.Height) != fmt.Sprintf("%.1f×%.1f", c.wantW, c.wantH) {
			t.Errorf("%d×%d: %v, expected %v×%v", c.w, c.h, got, c.wantW, c.wantH)
		}
	}
	u := explainTabUI(t)
	e := u.explain
	if e.cur == nil || e.cur.Overlay.Bounds().Dx() != 24 {
		t.Fatal("no Grad-CAM of the 24×24 input on screen")
	}
	if s := e.holder.MinSize(); s.Width < 449 || s.Height < 449 {
		t.Errorf("the heat map takes %v on screen, expected 450×450", s)
	}
}

// TestExplainCancelIsNotAnError: Cancel ended in "No explanation: context
// canceled", as if something had failed.
func TestExplainCancelIsNotAnError(t *testing.T) {
	u := explainTabUI(t)
	e := u.explain
	e.show(&session.Explanation{Err: fmt.Errorf("explain: %w", context.Canceled)})
	if strings.Contains(e.info.Text, "context canceled") || !strings.HasPrefix(e.info.Text, "Cancelled") {
		t.Errorf("after Cancel the tab says %q", e.info.Text)
	}
	if e.cur == nil || e.view.img.Image != e.cur.Overlay {
		t.Error("the last explanation left the screen")
	}
}
