package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestPlotHoverKeepsObjects checks that moving the mouse over the plot
// creates no canvas objects: the readout's objects are moved, shown and
// hidden, and everything else stays as it is.
func TestPlotHoverKeepsObjects(t *testing.T) {
	test.NewTempApp(t)
	p := NewPlot()
	p.SetChart(goldenChart())
	w := test.NewWindow(p)
	defer w.Close()
	w.Resize(fyne.NewSize(420, 260))
	p.Resize(fyne.NewSize(420, 260))
	r := p.r
	before := append([]fyne.CanvasObject(nil), r.Objects()...)
	if len(before) < 20 {
		t.Fatalf("%d objects: the chart was not drawn", len(before))
	}
	made := func() int { return len(r.texts.items) + len(r.lines.items) + len(r.dots.items) }
	pooled := made()
	var readouts []string
	for _, x := range []float32{60, 120, 210, 300, 400, 2, 210} {
		p.MouseMoved(mouseAt(x, 120))
		if r.hoverText.Visible() {
			readouts = append(readouts, r.hoverText.Text)
		}
		after := r.Objects()
		if len(after) != len(before) {
			t.Fatalf("hover at %v: %d objects, was %d", x, len(after), len(before))
		}
		for i := range after {
			if after[i] != before[i] {
				t.Fatalf("hover at %v: object %d was replaced", x, i)
			}
		}
	}
	p.MouseOut()
	if r.hoverText.Visible() || r.hoverLine.Visible() {
		t.Error("the readout stays after the mouse left")
	}
	if len(readouts) != 6 || readouts[0] == readouts[2] {
		t.Errorf("readouts %q: want one per position over the axes, changing with x", readouts)
	}
	if made() != pooled {
		t.Errorf("hovering made %d canvas objects", made()-pooled)
	}
	// New data and sizes reuse the pooled objects too.
	p.SetChart(goldenChart())
	p.Resize(fyne.NewSize(400, 250))
	if made() != pooled {
		t.Errorf("redrawing the same chart made %d canvas objects", made()-pooled)
	}
}
