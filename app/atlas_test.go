package app

import (
	"fmt"
	"image/color"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/convscope/convscope/internal/session"
	"github.com/convscope/convscope/nn"
)

// bandOf returns the sheet of the first band of frame layer i that is on
// screen, drawn.
func bandOf(t *testing.T, u *UI, i int) *sheetImage {
	t.Helper()
	for id, it := range u.grid.items {
		if it.header || it.band.Layer != i {
			continue
		}
		r := u.grid.shown[id]
		if r == nil || r.id != id || r.sheet.sheet == nil {
			continue
		}
		return r.sheet
	}
	t.Fatalf("no band of layer %d on screen", i)
	return nil
}

// Hovering a cell outlines its receptive field on the network input and
// the linked cells in every layer's tiles on screen, fast enough for every
// frame.
func TestHoverLinking(t *testing.T) {
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	u.win.Resize(fyne.NewSize(900, 640))
	settle(u)
	s := bandOf(t, u, 1) // max_pooling2d_1 (11×11×8)
	l := &s.sheet.Layout
	tile := l.Tile(2 - s.band.C0)
	// Cell (3, 4) of channel 2, through the sheet's scale to widget pixels.
	ib := s.sheet.Image.Bounds()
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
		sh := bandOf(t, u, i)
		r := sh.rend
		if sh.link != b {
			t.Errorf("layer %d: linked %v, want %v", i, sh.link, b)
		}
		n := sh.band.C1 - sh.band.C0
		if len(r.marks) != n || !r.marks[n-1].Visible() || r.marks[0].StrokeColor != color.Color(linkColor) {
			t.Errorf("layer %d: %d outlines for a band of %d tiles", i, len(r.marks), n)
		}
	}
	t.Logf("hover move: %v (BenchmarkHoverTutorialModel measures it)", hoverStats.last)
	s.MouseOut()
	if u.side.field.rect.Visible() || bandOf(t, u, 2).rend.marks[0].Visible() {
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

// On the tutorial's network (8 map layers, 576 channels) a hover move,
// outlines placed and refreshed on the bands on screen, stays within a
// 60 Hz frame; hovering a band after the first gives the whole layer's
// channel and the band's cell, and a band scrolled into view afterwards
// comes with its outlines.
func TestHoverSpeedTutorialModel(t *testing.T) {
	net, err := nn.ReferenceModel()
	if err != nil {
		t.Fatal(err)
	}
	net.Init(1)
	u := newTestUIWith(t, &session.Model{Net: net, Classes: []string{"cats", "dogs"}, Label: "reference"}, nil)
	u.openSample(0)
	settle(u)
	if n := len(u.Frame().Layers); n != 8 {
		t.Fatalf("%d layers", n)
	}
	names := func(i int) string { return u.Frame().Layers[i].Name }
	var worst time.Duration
	for _, tc := range []struct {
		layer, ch, row, col int
	}{{0, 5, 70, 80}, {2, 10, 30, 31}, {4, 100, 16, 2}, {7, 127, 6, 6}, {0, 31, 0, 0}} {
		t0 := time.Now()
		u.hoverCell(names(tc.layer), tc.ch, tc.row, tc.col, true)
		worst = max(worst, time.Since(t0))
		if tc.layer == 0 && tc.row == 70 {
			// max_pooling2d_4 cell i sees conv2d_1 rows 16i … 16i+43.
			if b := u.grid.linkedTo(names(7)); b != (session.Box{Y0: 2, X0: 3, Y1: 5, X1: 6}) {
				t.Errorf("conv2d_1 (70, 80) links max_pooling2d_4 %v, want rows 2–4, columns 3–5", b)
			}
		}
	}
	t.Logf("worst hover move on the tutorial model: %v (timed by BenchmarkHoverTutorialModel)", worst)

	// A later band of a layer with several: its first tile is channel C0
	// of the layer.
	li := -1
	for k := range u.Frame().Layers {
		if len(u.Frame().Bands(k)) >= 2 {
			li = k
		}
	}
	if li < 0 {
		t.Fatal("no layer has several bands")
	}
	bands := u.Frame().Bands(li)
	id := -1
	for k, it := range u.grid.items {
		if !it.header && it.band == bands[1] {
			id = k
		}
	}
	r := shownRow(t, u, id)
	waitUntil(t, u, func() bool { return r.sheet.sheet != nil })
	s := r.sheet
	l := &s.sheet.Layout
	row, col := l.H/2, l.W/3
	tile := l.Tile(0)
	ib := s.sheet.Image.Bounds()
	sz := s.Size()
	px := float32(tile.Min.X) + (float32(col)+0.5)*float32(l.TileW)/float32(l.W)
	py := float32(tile.Min.Y) + (float32(row)+0.5)*float32(l.TileH)/float32(l.H)
	s.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(px*sz.Width/float32(ib.Dx()), py*sz.Height/float32(ib.Dy()))}})
	want := fmt.Sprintf("%s channel %d, cell (%d, %d)", names(li), bands[1].C0, row, col)
	if !strings.HasPrefix(u.status.Text, want) {
		t.Errorf("status %q, want it to start with %q", u.status.Text, want)
	}
	if s.link != (session.Box{Y0: row, X0: col, Y1: row + 1, X1: col + 1}) || !s.rend.marks[0].Visible() {
		t.Errorf("the hovered band outlines %v", s.link)
	}
	// A band of the first layer, scrolled into view now, is outlined as it
	// shows.
	wantFirst, ok := u.Frame().Fields.Linked(names(li), row, col, names(0))
	if !ok || wantFirst.Empty() {
		t.Fatalf("%s (%d, %d) links nothing in %s", names(li), row, col, names(0))
	}
	r = shownRow(t, u, 1)
	waitUntil(t, u, func() bool { return r.sheet.sheet != nil })
	if r.sheet.link != wantFirst || !r.sheet.rend.marks[0].Visible() {
		t.Errorf("%s shown after the move: linked %v, want %v", names(0), r.sheet.link, wantFirst)
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

// BenchmarkHoverTutorialModel times one hover move on the tutorial's
// network (receptive field on the input and the linked cells outlined in
// every tile on screen): issue #15's budget is a redraw in ≤ 16 ms. It
// reports the process CPU time per move (cpu-ms/op) beside the wall time
// (ns/op): on a loaded machine the wall time includes waiting for a core.
// A benchmark, not a test: timings are not pass/fail criteria on a shared
// machine or under the race detector.
//
//	go test -tags ci ./app/ -run XXX -bench HoverTutorialModel -benchtime 20x
func BenchmarkHoverTutorialModel(b *testing.B) {
	net, err := nn.ReferenceModel()
	if err != nil {
		b.Fatal(err)
	}
	net.Init(1)
	u := newTestUIWith(b, &session.Model{Net: net, Classes: []string{"cats", "dogs"}, Label: "reference"}, nil)
	u.openSample(0)
	settle(u)
	first := u.Frame().Layers[0].Name
	i := 0
	cpu0 := cpuTime()
	for b.Loop() {
		u.hoverCell(first, i%32, 70+i%5, 80-i%7, true)
		i++
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/1e6/float64(i), "cpu-ms/op")
}
