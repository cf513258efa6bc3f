package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// TestExplainTab: selecting the tab explains the image on screen with
// Grad-CAM at the default layer; another class, a slow method with its
// progress bar, and the value under the mouse.
func TestExplainTab(t *testing.T) {
	u := newTestUI(t)
	u.openSample(1)
	settle(u)
	e := u.explain
	if got := e.class.Options; len(got) != 3 || got[1] != "circles" {
		t.Fatalf("class options %v", got)
	}
	if got := e.layer.Options; len(got) != 4 || got[3] != "conv2d_2" {
		t.Errorf("layer options %v", got)
	}
	u.tabs.SelectIndex(2)
	settle(u)
	if e.cur == nil || !strings.HasPrefix(e.info.Text, "Grad-CAM of class") || e.cur.Layer != "conv2d_2" {
		t.Fatalf("no Grad-CAM on screen: %q", e.info.Text)
	}
	if e.view.img.Image != e.cur.Overlay || e.cur.Overlay.Bounds().Dx() != 24 {
		t.Error("the view does not show the overlay at the input's size")
	}
	e.class.SetSelected("crosses") // a fast method follows the controls
	settle(u)
	if e.cur.Class != "crosses" || e.cur.Options.Class != 1 {
		t.Errorf("class %q after selecting crosses", e.cur.Class)
	}
	e.method.SetSelectedIndex(6) // Integrated Gradients: runs on request
	settle(u)
	if e.cur.Options.Method != "gradcam" {
		t.Error("a slow method ran without a click")
	}
	e.run.OnTapped()
	if e.progress.Hidden {
		t.Error("no progress bar while IG runs")
	}
	settle(u)
	if e.cur.Options.Method != "ig" || !strings.Contains(e.info.Text, "Completeness") || !e.progress.Hidden {
		t.Errorf("after IG: %q", e.info.Text)
	}
	e.view.Resize(fyne.NewSize(72, 72))
	e.view.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(30, 30)}})
	if !strings.HasPrefix(e.value.Text, "pixel (10, 10):") {
		t.Errorf("hover: %q", e.value.Text)
	}
	e.sanity.OnTapped()
	settle(u)
	if e.sanityView == nil || e.sanity.Disabled() {
		t.Error("no sanity check shown")
	}
	e.original.SetChecked(true)
	if e.view.img.Image != e.cur.Original {
		t.Error("the original's aspect is not shown")
	}
}
