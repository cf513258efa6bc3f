package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The tabs other than Activations join the window when first shown (so
// that the start does not measure their text), once, and whole.
func TestTabsJoinWhenFirstShown(t *testing.T) {
	u := newTestUI(t)
	// The panels whose object() returns the same object each time.
	same := map[int]fyne.CanvasObject{1: u.training.object(), 3: u.atlas.object(), 4: u.compare.object()}
	joined := map[int]fyne.CanvasObject{}
	stack := func(i int) *fyne.Container { return u.tabs.Items[i].Content.(*fyne.Container) }
	for i := 1; i < len(u.tabs.Items); i++ {
		if n := len(stack(i).Objects); n != 0 {
			t.Errorf("tab %q holds %d objects before it was shown", u.tabs.Items[i].Text, n)
		}
	}
	for _, i := range []int{1, 3, 0, 1, 2, 4, 2, 3} {
		u.tabs.SelectIndex(i)
		if i == 0 {
			continue
		}
		objs := stack(i).Objects
		if len(objs) != 1 {
			t.Fatalf("tab %q shown with %d objects, want its panel", u.tabs.Items[i].Text, len(objs))
		}
		if want, ok := same[i]; ok && objs[0] != want {
			t.Errorf("tab %q shows something other than its panel", u.tabs.Items[i].Text)
		}
		if prev, ok := joined[i]; ok && prev != objs[0] {
			t.Errorf("tab %q's panel was replaced when shown again", u.tabs.Items[i].Text)
		}
		joined[i] = objs[0]
	}
}

// A plot given a chart before it is drawn keeps it and makes no renderer
// (the hidden Training tab's plots cost nothing at start); its first
// renderer draws that chart.
func TestPlotDrawsWhenFirstRendered(t *testing.T) {
	newTempApp(t)
	p := NewPlot()
	p.SetChart(goldenChart())
	if p.r != nil {
		t.Fatal("SetChart made a renderer for a plot not on screen")
	}
	w := test.NewWindow(p)
	defer w.Close()
	w.Resize(fyne.NewSize(420, 260))
	if p.r == nil {
		t.Fatal("no renderer once on screen")
	}
	if n := len(p.r.lines.items); n < 10 {
		t.Errorf("%d lines drawn: the chart given before the renderer was not drawn", n)
	}
	before := len(p.r.Objects())
	p.SetChart(goldenChart())
	if len(p.r.Objects()) != before {
		t.Errorf("%d objects after the same chart again, %d before", len(p.r.Objects()), before)
	}
}
