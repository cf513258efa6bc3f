package app

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// choose opens drop-down s with a tap, as a user does, and picks the entry
// labelled label from the list that opens.
func choose(t *testing.T, u *UI, s *tipSelect, label string) {
	t.Helper()
	test.Tap(s)
	menu := findMenu(u.win.Canvas().Overlays().Top())
	if menu == nil {
		t.Fatalf("tapping the drop-down opened %T, no list", u.win.Canvas().Overlays().Top())
	}
	for i, o := range s.Options { // the list's items are the options, in order
		if o == label {
			test.Tap(menu.Items[i].(fyne.Tappable))
			return
		}
	}
	t.Fatalf("no %q in the drop-down", label)
}

// findMenu returns the drop-down list in o's widget tree.
func findMenu(o fyne.CanvasObject) *widget.Menu {
	switch w := o.(type) {
	case nil:
		return nil
	case *widget.Menu:
		return w
	case *widget.PopUpMenu:
		return w.Menu
	case *fyne.Container:
		for _, c := range w.Objects {
			if m := findMenu(c); m != nil {
				return m
			}
		}
		return nil
	}
	if w, ok := o.(fyne.Widget); ok {
		for _, c := range test.WidgetRenderer(w).Objects() {
			if m := findMenu(c); m != nil {
				return m
			}
		}
	}
	return nil
}

// The Atlas page's "Image" drop-down chooses the parameterisation: the
// atlas computed is that one's (the status says which), the other's tiles
// leave the page, each parameterisation's cached atlas comes back when it
// is chosen again, a computation in progress stops when the choice
// changes, and the choice is remembered in the preferences.
func TestAtlasParameterisationControl(t *testing.T) {
	defer func(n int) { session.AtlasSteps = n }(session.AtlasSteps)
	session.AtlasSteps = 2
	u := newTestUI(t)
	u.tabs.SelectIndex(3) // Atlas
	p := u.atlas
	pixels, fourier := atlasParams[0].label, atlasParams[1].label
	if p.param.Selected != pixels || p.paramValue() != session.AtlasPixel {
		t.Fatalf("default parameterisation %q", p.param.Selected)
	}
	if !strings.Contains(p.note.Text, "blur") {
		t.Errorf("note %q", p.note.Text)
	}
	p.layer.SetSelected("conv2d_1")
	compute := func(want string) {
		t.Helper()
		test.Tap(p.run)
		waitUntil(t, u, func() bool { return p.stop == nil && len(p.tiles.Objects) == 8 })
		if !strings.Contains(u.status.Text, "("+want+")") || p.shownAs != atlasParamOf(want) {
			t.Errorf("status %q, shown as %q: want the %s atlas", u.status.Text, p.shownAs, want)
		}
	}
	compute(pixels)

	choose(t, u, p.param, fourier)
	if p.paramValue() != session.AtlasFourier || u.app.Preferences().String(prefAtlasParam) != session.AtlasFourier {
		t.Errorf("chose Fourier: selected %q, preference %q", p.param.Selected, u.app.Preferences().String(prefAtlasParam))
	}
	if !strings.Contains(p.note.Text, "Fourier") {
		t.Errorf("note %q", p.note.Text)
	}
	settle(u)
	if n := len(p.tiles.Objects); n != 0 {
		t.Errorf("%d tiles of the pixel atlas kept for Fourier (none cached)", n)
	}
	compute(fourier)

	// Back to pixels: the cached pixel atlas shows at once.
	choose(t, u, p.param, pixels)
	waitUntil(t, u, func() bool { return len(p.tiles.Objects) == 8 && p.shownAs == session.AtlasPixel })

	// A computation in progress stops when the choice changes; its late
	// answer does not reach the page.
	session.AtlasSteps = 200
	p.layer.SetSelected("conv2d_2")
	test.Tap(p.run)
	if p.stop == nil || !p.run.Disabled() {
		t.Fatal("not computing")
	}
	choose(t, u, p.param, fourier)
	if p.stop != nil || p.run.Disabled() || !p.cancel.Disabled() {
		t.Errorf("after the change: computing %v, Compute disabled %v, Cancel enabled %v", p.stop != nil, p.run.Disabled(), !p.cancel.Disabled())
	}
	u.ses.Wait()
	settle(u)
	if n := len(p.tiles.Objects); n != 0 || strings.Contains(u.status.Text, "canceled") {
		t.Errorf("the abandoned computation answered: %d tiles, status %q", n, u.status.Text)
	}

	// Remembered: a new page starts with the last choice.
	if q := newAtlasPanel(u); q.param.Selected != fourier {
		t.Errorf("a new Atlas page starts with %q", q.param.Selected)
	}
	u.app.Preferences().SetString(prefAtlasParam, "nonsense")
	if q := newAtlasPanel(u); q.param.Selected != pixels {
		t.Errorf("an unknown preference gives %q", q.param.Selected)
	}
}
