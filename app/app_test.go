package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"

	"github.com/convscope/convscope/internal/session"
)

func TestOpenSampleShowsGridAndPrediction(t *testing.T) {
	u := newTestUI(t)
	u.openSample(1)
	settle(u)
	f := u.Frame()
	if f == nil {
		t.Fatal("no frame on screen")
	}
	if f.Input.Name != u.samples[1].Name {
		t.Errorf("showing %q, want %q", f.Input.Name, u.samples[1].Name)
	}
	if got := len(u.grid.sections); got != 3 {
		t.Fatalf("%d layer sections, want 3 (conv, pool, conv)", got)
	}
	if h := u.grid.sections[0].header.Text; !strings.HasPrefix(h, "conv2d_1 · Conv2D · output (None, 22, 22, 8)") {
		t.Errorf("first header %q", h)
	}
	if s := u.grid.sections[2].sheet; s.img.Image != f.Layers[2].Sheet.Image {
		t.Error("the last section does not show the frame's sheet")
	}
	if p := u.side.pred.Text; !strings.Contains(p, "%") || !(strings.HasPrefix(p, "circles") || strings.HasPrefix(p, "crosses")) {
		t.Errorf("prediction %q", p)
	}
	if got := len(u.side.names); got != 3 {
		t.Errorf("layer list has %d entries", got)
	}
	if !strings.Contains(u.status.Text, "forward") {
		t.Errorf("status %q", u.status.Text)
	}
}

func TestDropHandler(t *testing.T) {
	dir := t.TempDir()
	good := writePNG(t, dir, "good.png", 40, 30)
	broken := filepath.Join(dir, "broken.png")
	os.WriteFile(broken, []byte("\x89PNG\r\n\x1a\nthis is not really a png"), 0o644)
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("hello"), 0o644)
	badModel := filepath.Join(dir, "model.safetensors")
	os.WriteFile(badModel, []byte("nope"), 0o644)

	cases := []struct {
		name    string
		uri     fyne.URI
		ok      bool
		message string // in the status line (the dialog says the same)
	}{
		{"good image", storage.NewFileURI(good), true, ""},
		{"broken image", storage.NewFileURI(broken), false, "broken.png"},
		{"not an image", storage.NewFileURI(text), false, "not a supported image"},
		{"folder", storage.NewFileURI(dir), false, "is a folder"},
		{"missing file", storage.NewFileURI(filepath.Join(dir, "gone.png")), false, "gone.png"},
		{"broken model", storage.NewFileURI(badModel), false, "Cannot open model"},
	}
	u := newTestUI(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dismissOverlays(u)
			before := u.Frame()
			u.HandleDrop([]fyne.URI{c.uri})
			settle(u)
			if c.ok {
				if f := u.Frame(); f == nil || f.Input.Name != filepath.Base(c.uri.Path()) {
					t.Fatalf("frame after dropping %s: %+v", c.uri, f)
				}
				if topOverlay(u) != nil {
					t.Error("a dialog opened for a good image")
				}
				return
			}
			if topOverlay(u) == nil {
				t.Error("no dialog")
			}
			if !strings.Contains(u.status.Text, c.message) {
				t.Errorf("status %q does not say %q", u.status.Text, c.message)
			}
			if u.Frame() != before {
				t.Error("the frame changed")
			}
		})
	}
	// Several URIs: the first is opened.
	dismissOverlays(u)
	u.HandleDrop([]fyne.URI{storage.NewFileURI(good), storage.NewFileURI(text)})
	settle(u)
	if topOverlay(u) != nil {
		t.Error("dropping an image with another file opened a dialog")
	}
	u.HandleDrop(nil) // nothing happens
}

func TestViewControls(t *testing.T) {
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	u.grid.cmap.SetSelected("magma")
	u.grid.scale.SetSelected(scaleLabels[1])
	settle(u)
	v := u.Frame().View
	if v.Colormap != "magma" || v.Scale != 1 {
		t.Errorf("view %+v after choosing magma and min–max", v)
	}
	if got := u.app.Preferences().String(prefColormap); got != "magma" {
		t.Errorf("colormap preference %q", got)
	}
	tile := v.Tile
	u.zoom(1.25)
	settle(u)
	if got := u.Frame().View.Tile; got <= tile {
		t.Errorf("zoom in: tile %d → %d", tile, got)
	}
	if got := int(u.grid.zoom.Value); got != u.Frame().View.Tile {
		t.Errorf("zoom slider shows %d, view has %d", got, u.Frame().View.Tile)
	}
	u.zoom(1)
	settle(u)
	if got := u.Frame().View.Tile; got != 56 {
		t.Errorf("actual size: tile %d", got)
	}
}

func TestInspectorOpensOnTap(t *testing.T) {
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	s := u.grid.sections[0].sheet
	r := s.lv.Sheet.Layout.Tile(3)
	scale := s.Size().Width / float32(s.lv.Sheet.Image.Bounds().Dx())
	test.TapAt(s, fyne.NewPos(float32(r.Min.X+2)*scale, float32(r.Min.Y+2)*scale))
	settle(u) // the session draws the inspector off the UI goroutine
	if topOverlay(u) == nil {
		t.Fatal("tapping a tile opened no inspector")
	}
	in := u.inspector
	if !strings.Contains(in.stats.Text, "channel 3 of 8") || !strings.Contains(in.stats.Text, "zeros") {
		t.Errorf("inspector stats %q", in.stats.Text)
	}
	if in.kern == nil {
		t.Error("no kernel for a conv layer")
	}
	in.big.Resize(in.big.MinSize())
	in.big.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(5, 5)}})
	if !strings.Contains(in.value.Text, "row") {
		t.Errorf("value readout %q", in.value.Text)
	}
	u.inspect(u.grid.sections[1].sheet.lv, 0)
	settle(u)
	if pool := u.inspector; pool.kern != nil {
		t.Error("a pooling layer has a kernel")
	}
}

func TestOpenPathFromCommandLine(t *testing.T) {
	p := writePNG(t, t.TempDir(), "cli.png", 64, 48)
	a := test.NewTempApp(t)
	q := &uiQueue{}
	u := New(a, Options{Model: tinyModel(t), Samples: nil, OpenPath: p, post: q.post})
	defer u.ses.Close()
	queues.Store(u, q)
	defer queues.Delete(u)
	settle(u)
	f := u.ses.Frame()
	if f == nil || f.Input.Name != "cli.png" || f.Input.Path != p {
		t.Fatalf("frame for a command-line path: %+v", f)
	}
	if got := a.Preferences().String(prefLastFolder); got != filepath.Dir(p) {
		t.Errorf("last folder %q, want %q", got, filepath.Dir(p))
	}
}

func TestDropModelFile(t *testing.T) {
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	p := filepath.Join(t.TempDir(), "tiny.safetensors")
	saveModel(t, u, p)
	u.HandleDrop([]fyne.URI{storage.NewFileURI(p)})
	settle(u)
	if topOverlay(u) != nil {
		t.Fatal("a dialog opened for a good model")
	}
	if m := u.ses.Model(); m.Label != "tiny.safetensors" || m.Path != p {
		t.Errorf("model after the drop: %q at %q", m.Label, m.Path)
	}
	if got := u.app.Preferences().String(prefLastModel); got != p {
		t.Errorf("last model preference %q", got)
	}
	if !strings.Contains(u.win.Title(), "tiny.safetensors") {
		t.Errorf("title %q", u.win.Title())
	}
	if f := u.Frame(); f == nil || f.Model.Path != p {
		t.Error("the grid was not recomputed with the dropped model")
	}
}

func TestLastModelRemembered(t *testing.T) {
	u := newTestUI(t)
	p := filepath.Join(t.TempDir(), "last.safetensors")
	saveModel(t, u, p)
	a := test.NewTempApp(t)
	a.Preferences().SetString(prefLastModel, p)
	a.Preferences().SetFloat(prefWidth, 900)
	a.Preferences().SetFloat(prefHeight, 650)
	q := &uiQueue{}
	u2 := New(a, Options{NoSample: true, Samples: session.GeneratedSamples(1), post: q.post})
	defer u2.ses.Close()
	queues.Store(u2, q)
	defer queues.Delete(u2)
	if m := u2.ses.Model(); m.Path != p {
		t.Errorf("started with %q, want the last model %q", m.Label, p)
	}
	if !strings.Contains(u2.status.Text, "Use Built-in Model") {
		t.Errorf("the reopened model is not announced: %q", u2.status.Text)
	}
	// File ▸ Use Built-in Model goes back and forgets the file.
	u2.useBuiltinModel()
	settle(u2)
	if m := u2.ses.Model(); m.Path == p || a.Preferences().String(prefLastModel) != "" {
		t.Errorf("after Use Built-in Model: model %q, remembered %q", m.Label, a.Preferences().String(prefLastModel))
	}
	if s := u2.win.Canvas().Size(); s.Width != 900 || s.Height != 650 {
		t.Errorf("window size %v, want the remembered 900×650", s)
	}
	u2.win.Resize(fyne.NewSize(1000, 720))
	u2.closeNow()
	if w, h := a.Preferences().Float(prefWidth), a.Preferences().Float(prefHeight); w != 1000 || h != 720 {
		t.Errorf("remembered size %v×%v after closing, want 1000×720", w, h)
	}
}

func TestLayerListJumpsToSection(t *testing.T) {
	u := newTestUI(t)
	u.win.Resize(fyne.NewSize(900, 400))
	u.zoom(4) // big tiles: the page is taller than the window
	u.openSample(2)
	settle(u)
	if u.side.layers.Length() != 3 {
		t.Fatalf("layer list has %d rows", u.side.layers.Length())
	}
	u.side.layers.Select(2)
	want := u.grid.sections[2].box.Position().Y
	if want <= 0 || u.grid.scroll.Offset.Y <= 0 {
		t.Fatalf("section 2 at %v, scroll offset %v", want, u.grid.scroll.Offset.Y)
	}
	u.side.layers.Select(0)
	if u.grid.scroll.Offset.Y != 0 {
		t.Errorf("jumping to the first layer left the offset at %v", u.grid.scroll.Offset.Y)
	}
}

// saveModel saves the model on screen through the session.
func saveModel(t *testing.T, u *UI, path string) {
	t.Helper()
	err := errors.New("not saved")
	u.ses.SaveModel(path, nil, func(e error) { err = e })
	settle(u)
	if err != nil {
		t.Fatal(err)
	}
}

// TestStartupDrawsFirstImageOnce checks that the window's first image is
// loaded and run once, when the grid knows its width, and that the frame on
// screen is drawn for that width.
func TestStartupDrawsFirstImageOnce(t *testing.T) {
	a := test.NewTempApp(t)
	q := &uiQueue{}
	var mu sync.Mutex
	work := map[string]int{}
	u := New(a, Options{Model: tinyModel(t), Samples: testSamples(), post: q.post, onWork: func(w string) {
		mu.Lock()
		work[w]++
		mu.Unlock()
	}})
	defer u.ses.Close()
	queues.Store(u, q)
	defer queues.Delete(u)
	settle(u)
	f := u.Frame()
	if f == nil || f.Input.Name != u.samples[0].Name {
		t.Fatalf("frame at startup: %+v", f)
	}
	if f.View.Width <= 0 || f.View.Width != u.grid.width {
		t.Errorf("first frame drawn %d pixels wide, the grid has %d", f.View.Width, u.grid.width)
	}
	mu.Lock()
	defer mu.Unlock()
	if work["load"] != 1 || work["forward"] != 1 || work["render"] != 1 {
		t.Errorf("startup work %v: want one load, one forward pass and one render", work)
	}
}
