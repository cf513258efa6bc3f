package app

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
	"github.com/convscope/convscope/nn"
)

// robustFiles writes every kind of file a user may drop: good images, bad
// images, non-images, a folder, a missing path, and good and bad models.
func robustFiles(t *testing.T) []fyne.URI {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	add := func(name string, data []byte) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	paths = append(paths, writePNG(t, dir, "good.png", 40, 30), writePNG(t, dir, "wide.png", 600, 3))
	good, _ := os.ReadFile(paths[0])
	add("truncated.png", good[:len(good)/2])
	add("empty.jpg", nil)
	add("notes.txt", []byte("hello"))
	add("fake.png", []byte("\x89PNG\r\n\x1a\nthis is not really a png"))
	// A PNG header declaring 100000×100000 pixels (over the pixel limit).
	add("huge.png", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x01\x86\xa0\x00\x01\x86\xa0\x08\x02\x00\x00\x00"), make([]byte, 20)...))
	add("nope.safetensors", []byte("nope"))
	m := tinyModel(t)
	model := filepath.Join(dir, "tiny.safetensors")
	if err := nn.SaveFile(model, m.Net, nn.Metadata{ClassNames: m.Classes}); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, model)
	data, _ := os.ReadFile(model)
	add("cut.safetensors", data[:len(data)-100])
	m.Net.Params()[0].Value[3] = float32(math.NaN())
	nanModel := filepath.Join(dir, "nan.safetensors")
	if err := nn.SaveFile(nanModel, m.Net, nn.Metadata{ClassNames: m.Classes}); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, nanModel, dir, filepath.Join(dir, "gone.png"))
	uris := make([]fyne.URI, len(paths))
	for i, p := range paths {
		uris[i] = storage.NewFileURI(p)
	}
	return uris
}

// TestGUIRobustness drives the window as a restless user would, in a
// seeded random order: drops every kind of bad file (and good ones and
// models), switches every control, starts, pauses, resumes and stops
// training, switches tabs, and resizes to 900×600 and back, for a few
// hundred steps (issue #17). No step may panic (a panic fails the test, and
// one caught by guard shows "Internal error" in the status bar, which fails
// it too), and the state stays consistent: a frame always matches the
// model on screen and the training buttons match the run.
func TestGUIRobustness(t *testing.T) {
	steps := 300
	if testing.Short() {
		steps = 60
	}
	u := newTestUI(t)
	setupTinyTraining(u, "100000")
	files := robustFiles(t)
	tp := u.training
	rng := rand.New(rand.NewPCG(17, uint64(steps)))
	sizes := []fyne.Size{{Width: 900, Height: 600}, {Width: 1280, Height: 800}, {Width: 1000, Height: 700}}
	actions := []struct {
		name string
		do   func() string
	}{
		{"drop", func() string {
			f := files[rng.IntN(len(files))]
			u.HandleDrop([]fyne.URI{f})
			return filepath.Base(f.Path())
		}},
		{"sample", func() string { i := rng.IntN(len(u.samples)); u.openSample(i); return fmt.Sprint(i) }},
		{"next sample", func() string { u.nextSample(); return "" }},
		{"colormap", func() string {
			c := session.Colormaps()[rng.IntN(len(session.Colormaps()))]
			u.grid.cmap.SetSelected(c)
			return c
		}},
		{"scale", func() string { s := scaleLabels[rng.IntN(len(scaleLabels))]; u.grid.scale.SetSelected(s); return s }},
		{"zoom", func() string { f := []float64{1.25, 0.8, 1}[rng.IntN(3)]; u.zoom(f); return fmt.Sprint(f) }},
		{"tab", func() string { i := rng.IntN(len(u.tabs.Items)); u.tabs.SelectIndex(i); return fmt.Sprint(i) }},
		{"resize", func() string { s := sizes[rng.IntN(len(sizes))]; u.win.Resize(s); return fmt.Sprint(s) }},
		{"start", func() string { test.Tap(tp.start); return "" }},
		{"pause", func() string { test.Tap(tp.pause); return "" }},
		{"stop", func() string { test.Tap(tp.stp); return "" }},
		{"dismiss dialogs", func() string { dismissOverlays(u); return "" }},
		{"settle", func() string { settle(u); return "" }},
	}
	var log []string
	for i := range steps {
		a := actions[rng.IntN(len(actions))]
		arg := a.do()
		log = append(log, strings.TrimSpace(a.name+" "+arg))
		pump(u)
		if strings.Contains(u.status.Text, "Internal error") {
			t.Fatalf("step %d (%s): %s\nsteps: %s", i, log[len(log)-1], u.status.Text, strings.Join(log, "; "))
		}
		if f := u.Frame(); f != nil && (f.Input == nil || len(f.Prediction.Top) == 0) {
			t.Fatalf("step %d (%s): a frame without input or prediction", i, log[len(log)-1])
		}
	}
	// Wind down: stop any run, let everything finish, and check the end
	// state is coherent.
	if run := tp.current(); run != nil {
		test.Tap(tp.stp)
		waitRun(t, u, "the run to stop", func() bool { return !run.Running() })
	}
	settle(u)
	time.Sleep(10 * time.Millisecond)
	settle(u)
	dismissOverlays(u)
	if tp.start.Disabled() || !tp.stp.Disabled() || !tp.pause.Disabled() {
		t.Errorf("no run, yet Start disabled=%v, Stop disabled=%v, Pause disabled=%v", tp.start.Disabled(), tp.stp.Disabled(), tp.pause.Disabled())
	}
	u.openSample(0)
	settle(u)
	if f := u.Frame(); f == nil || f.Input.Name != u.samples[0].Name {
		t.Errorf("after %d random steps, opening a sample does not show it", steps)
	}
	u.win.Resize(fyne.NewSize(900, 600))
	if got := u.win.Canvas().Size(); got.Width > 900 || got.Height > 600 {
		t.Errorf("window %v after resizing to 900×600", got)
	}
	t.Logf("%d random steps: %s", steps, strings.Join(log[:min(40, len(log))], "; "))
}

// Every view fits a 900×600 window (issue #17 defect 3: the Training tab
// widened the window to 1176 pixels).
func TestViewsFit900x600(t *testing.T) {
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	for i, item := range u.tabs.Items {
		u.tabs.SelectIndex(i)
		settle(u)
		if m := u.win.Content().MinSize(); m.Width > 900 || m.Height > 600 {
			t.Errorf("%s tab: the window needs at least %v", item.Text, m)
		}
	}
}

// The probability bars show the heading's rounding (issue #17 defect 5:
// "85.9 %" above a bar reading "85%").
func TestProbabilityBarsMatchHeading(t *testing.T) {
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	top := u.Frame().Prediction.Top[0]
	want := fmt.Sprintf("%.1f %%", 100*top.Prob)
	if !strings.Contains(u.side.pred.Text, want) {
		t.Fatalf("heading %q lacks %q", u.side.pred.Text, want)
	}
	var texts []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.ProgressBar:
			for _, r := range test.WidgetRenderer(w).Objects() {
				if txt, ok := r.(*canvas.Text); ok {
					texts = append(texts, txt.Text)
				}
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		}
	}
	walk(u.side.bars)
	if len(texts) == 0 || texts[0] != want {
		t.Errorf("bar texts %q, want the first to read %q", texts, want)
	}
}

// The status line reports only the steps the frame took: a colormap change
// re-renders without a forward pass (issue #17 defect 9: "forward 85 ms,
// render 48 ms, total 49 ms").
func TestStatusTimingIsTheFramesOwn(t *testing.T) {
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	if !strings.Contains(u.status.Text, "forward ") {
		t.Errorf("status after opening %q: no forward time", u.status.Text)
	}
	u.grid.cmap.SetSelected("magma")
	settle(u)
	if strings.Contains(u.status.Text, "forward ") || !strings.Contains(u.status.Text, "render ") {
		t.Errorf("status after a colormap change %q", u.status.Text)
	}
	tm := u.Frame().Timing
	if tm.Total < tm.Render || tm.Forward != 0 || tm.Load != 0 {
		t.Errorf("timing of a re-render %+v", tm)
	}
}

// The Layers list shows several layers, also during training when the
// "live weights" note is shown (issue #17 defect 4: one entry at a time).
func TestLayerListHasRoom(t *testing.T) {
	u := newTestUI(t)
	u.win.Resize(fyne.NewSize(1280, 800))
	u.openSample(0)
	settle(u)
	row := u.side.layers.MinSize().Height
	if h := u.side.layers.Size().Height; h < 4*row {
		t.Errorf("the layer list is %v tall, rows are %v: fewer than 4 rows visible", h, row)
	}
}
