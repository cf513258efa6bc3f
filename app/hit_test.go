package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// A tile scrolled out of the grid's view takes no clicks: a click on the
// tab bar above it selects the tab (issue #17 defect 2: it opened the
// inspector for the hidden tile).
func TestHiddenTilesTakeNoClicks(t *testing.T) {
	u := newTestUI(t)
	u.win.Resize(fyne.NewSize(1000, 700))
	u.openSample(0)
	settle(u)
	u.zoom(4) // big tiles: the first layer is taller than the view
	settle(u)
	u.grid.scroll.ScrollToOffset(fyne.NewPos(0, 400))
	settle(u)
	// The Training tab's label, in canvas coordinates.
	d := fyne.CurrentApp().Driver()
	tabs := d.AbsolutePositionForObject(u.tabs)
	pos := tabs.Add(fyne.NewPos(130, 15))
	test.TapCanvas(u.win.Canvas(), pos)
	settle(u)
	if topOverlay(u) != nil {
		t.Error("a click on the tab bar opened the inspector of a hidden tile")
	}
	if u.tabs.SelectedIndex() != 1 {
		t.Errorf("selected tab %d, want the Training tab", u.tabs.SelectedIndex())
	}
	// Scrolling over the tiles still scrolls the page.
	u.tabs.SelectIndex(0)
	before := u.grid.scroll.Offset.Y
	u.grid.scroll.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.NewDelta(0, -60)})
	if u.grid.scroll.Offset.Y <= before {
		t.Errorf("scrolling down: offset %v → %v", before, u.grid.scroll.Offset.Y)
	}
}
