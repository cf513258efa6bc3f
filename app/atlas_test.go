package app

import (
	"image/color"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/convscope/convscope/internal/session"
	"github.com/convscope/convscope/nn"
)

// Hovering a cell outlines its receptive field on the network input and
// the linked cells in every layer's tiles, fast enough for every frame.
func TestHoverLinking(t *testing.T) {
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	u.win.Resize(fyne.NewSize(900, 640))
	settle(u)
	s := u.grid.sections[1].sheet // max_pooling2d_1 (11×11×8)
	l := &s.lv.Sheet.Layout
	tile := l.Tile(2)
	// Cell (3, 4) of channel 2, through the sheet's scale to widget pixels.
	ib := s.lv.Sheet.Image.Bounds()
	sz := s.Size()
	px := float32(tile.Min.X) + (4.5)*float32(l.TileW)/float32(l.W)
	py := float32(tile.Min.Y) + (3.5)*float32(l.TileH)/float32(l.H)
	s.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(px*sz.Width/float32(ib.Dx()), py*sz.Height/float32(ib.Dy()))}})
	if got := u.side.field.box; got != (session.Box{Y0: 6, X0: 8, Y1: 10, X1: 12}) {
		t.Errorf("receptive field on the input: %v, want rows 6–9, columns 8–11", got)
	}
	if !u.side.field.rect.Visible() {
		t.Error("the field is not outlined")
	}
	// conv2d_1: the 2×2 cells pooled into (3, 4); conv2d_2: the cells (3×3 window) fed by it.
	want := map[int]session.Box{0: {Y0: 6, X0: 8, Y1: 8, X1: 10}, 1: {Y0: 3, X0: 4, Y1: 4, X1: 5}, 2: {Y0: 1, X0: 2, Y1: 4, X1: 5}}
	for i, b := range want {
		r := u.grid.sections[i].sheet.rend
		if r.box != b {
			t.Errorf("section %d: linked %v, want %v", i, r.box, b)
		}
		if len(r.marks) != 8 || !r.marks[7].Visible() || r.marks[0].StrokeColor != color.Color(linkColor) {
			t.Errorf("section %d: %d outlines", i, len(r.marks))
		}
	}
	if hoverStats.last > 16*time.Millisecond {
		t.Errorf("a hover move took %v, want ≤ 16 ms", hoverStats.last)
	}
	t.Logf("hover move: %v", hoverStats.last)
	s.MouseOut()
	if u.side.field.rect.Visible() || u.grid.sections[2].sheet.rend.marks[0].Visible() {
		t.Error("outlines stay after the pointer left")
	}
}

// The Atlas tab computes a layer's pictures in the background (a few steps
// on the tiny model) and lays them out 16 per row; Compare ranks channels.
func TestAtlasAndCompare(t *testing.T) {
	steps := session.AtlasSteps
	session.AtlasSteps = 3
	defer func() { session.AtlasSteps = steps }()
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	u.atlas.layer.SetSelected("conv2d_2")
	u.atlas.start()
	waitUntil(t, u, func() bool { return u.atlas.stop == nil })
	if n := len(u.atlas.tiles.Objects); n != 8 {
		t.Fatalf("%d atlas tiles, want 8 (status %q)", n, u.status.Text)
	}
	if u.atlas.progress.Value != 1 || u.atlas.run.Disabled() {
		t.Errorf("progress %v, run disabled %v", u.atlas.progress.Value, u.atlas.run.Disabled())
	}
	// A second request is answered from the model's metadata at once.
	u.atlas.tiles.RemoveAll()
	u.atlas.start()
	waitUntil(t, u, func() bool { return u.atlas.stop == nil })
	if n := len(u.atlas.tiles.Objects); n != 8 {
		t.Fatalf("%d cached atlas tiles, want 8", n)
	}

	u.compare.pin()
	u.openSample(1)
	settle(u)
	u.compare.compare()
	waitUntil(t, u, func() bool { return u.compare.result != nil })
	c := u.compare.result
	if c == nil || len(c.Layers) != 3 || len(c.Layers[0].Changes) != 8 {
		t.Fatalf("comparison %+v", c)
	}
	for _, l := range c.Layers {
		for i := 1; i < len(l.Changes); i++ {
			if l.Changes[i].L2 > l.Changes[i-1].L2 {
				t.Errorf("%s: not ranked: %v", l.Name, l.Changes)
			}
		}
	}
	if c.Layers[0].Changes[0].L2 == 0 {
		t.Error("two different images, no change")
	}
}

// waitUntil settles u until cond holds (work started by background tasks
// posts later than one settle sees), failing after 30 s.
func waitUntil(t *testing.T, u *UI, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		settle(u)
		time.Sleep(5 * time.Millisecond)
	}
}

// On the tutorial's network (8 map layers, 576 channels, so 576 outlines)
// a hover move, outlines placed and refreshed, stays within a 60 Hz frame.
func TestHoverSpeedTutorialModel(t *testing.T) {
	net, err := nn.ReferenceModel()
	if err != nil {
		t.Fatal(err)
	}
	net.Init(1)
	u := newTestUIWith(t, &session.Model{Net: net, Classes: []string{"cats", "dogs"}, Label: "reference"})
	u.openSample(0)
	settle(u)
	if len(u.grid.sections) != 8 {
		t.Fatalf("%d sections", len(u.grid.sections))
	}
	var worst time.Duration
	for _, tc := range []struct {
		sec, ch, row, col int
	}{{0, 5, 70, 80}, {2, 10, 30, 31}, {4, 100, 16, 2}, {7, 127, 6, 6}, {0, 31, 0, 0}} {
		s := u.grid.sections[tc.sec].sheet
		t0 := time.Now()
		u.hoverCell(s.layer, tc.ch, tc.row, tc.col, true)
		worst = max(worst, time.Since(t0))
		if tc.sec == 0 && tc.row == 70 {
			// max_pooling2d_4 cell i sees conv2d_1 rows 16i … 16i+43.
			if b := u.grid.sections[7].sheet.rend.box; b != (session.Box{Y0: 2, X0: 3, Y1: 5, X1: 6}) {
				t.Errorf("conv2d_1 (70, 80) links max_pooling2d_4 %v, want rows 2–4, columns 3–5", b)
			}
		}
	}
	t.Logf("worst hover move on the tutorial model: %v", worst)
	if worst > 16*time.Millisecond {
		t.Errorf("a hover move took %v, want ≤ 16 ms", worst)
	}
}

// A model whose file caches an atlas shows it as soon as the tab opens.
func TestAtlasFromCacheOnShow(t *testing.T) {
	steps := session.AtlasSteps
	session.AtlasSteps = 2
	defer func() { session.AtlasSteps = steps }()
	u := newTestUI(t)
	u.atlas.layer.SetSelected("conv2d_1")
	u.atlas.start()
	waitUntil(t, u, func() bool { return u.atlas.stop == nil && len(u.atlas.tiles.Objects) == 8 })
	u.atlas.tiles.RemoveAll()
	u.tabs.SelectIndex(3) // Atlas
	waitUntil(t, u, func() bool { return len(u.atlas.tiles.Objects) == 8 })
	u.atlas.modelChanged() // cleared at once; the same weights' cache comes back
	if n := len(u.atlas.tiles.Objects); n != 0 {
		t.Errorf("%d tiles kept after a model change", n)
	}
	waitUntil(t, u, func() bool { return len(u.atlas.tiles.Objects) == 8 })
}
