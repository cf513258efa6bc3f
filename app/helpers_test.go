package app

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/convscope/convscope/internal/session"
	"github.com/convscope/convscope/nn"
)

// tinyModel is a small binary convnet on 24×24 RGB input with fixed weights.
func tinyModel(t testing.TB) *session.Model {
	t.Helper()
	a := nn.Arch{InputShape: []int{24, 24, 3}, Layers: []nn.LayerConfig{
		{ClassName: "Conv2D", Filters: 8, KernelSize: [2]int{3, 3}, Activation: "relu"},
		{ClassName: "MaxPooling2D", PoolSize: [2]int{2, 2}},
		{ClassName: "Conv2D", Filters: 8, KernelSize: [2]int{3, 3}, Activation: "relu"},
		{ClassName: "Flatten"},
		{ClassName: "Dense", Units: 1, Activation: "sigmoid"},
	}}
	net, err := a.Build()
	if err != nil {
		t.Fatal(err)
	}
	net.Init(7)
	return &session.Model{Net: net, Classes: []string{"circles", "crosses"}, Label: "tiny test model", Trained: true}
}

// uiQueue stands in for the Fyne goroutine: background work posts to it
// and the test goroutine runs the posted functions (settle), so UI code
// never runs on two goroutines at once, as in the real driver.
type uiQueue struct {
	mu  sync.Mutex
	fns []func()
}

func (q *uiQueue) post(fn func()) {
	q.mu.Lock()
	q.fns = append(q.fns, fn)
	q.mu.Unlock()
}

// drain runs the queued functions and reports whether there were any.
func (q *uiQueue) drain() bool {
	q.mu.Lock()
	fns := q.fns
	q.fns = nil
	q.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
	return len(fns) > 0
}

var queues sync.Map // *UI → *uiQueue

// settle waits for the session's worker and background tasks and runs
// what they posted, until nothing is left.
func settle(u *UI) {
	q, _ := queues.Load(u)
	for {
		u.ses.Wait()
		if !q.(*uiQueue).drain() {
			return
		}
	}
}

// pump runs what was posted so far without waiting.
func pump(u *UI) {
	q, _ := queues.Load(u)
	q.(*uiQueue).drain()
}

// newTestUI builds the window on a test app with the tiny model and three
// generated samples. The test goroutine plays the Fyne goroutine: what the
// session posts waits in a queue that settle and pump run. The test fails
// if the session loads, computes or renders anything on it.
func newTestUI(t *testing.T) *UI {
	t.Helper()
	return newTestUIWith(t, tinyModel(t), nil)
}

// newTestUIWith is newTestUI with model m and a hook called for every
// band the session draws.
func newTestUIWith(t testing.TB, m *session.Model, onBand func(session.Band)) *UI {
	t.Helper()
	return newTestUIOpts(t, Options{Model: m, onRenderBand: onBand})
}

// newTestUIOpts is newTestUIWith with more options (opts.Model,
// onRenderBand, fashionDir: a folder without Fashion-MNIST unless set, so
// that what the app shows does not depend on the machine's packages).
func newTestUIOpts(t testing.TB, opts Options) *UI {
	t.Helper()
	a := newTempApp(t)
	if opts.fashionDir == "" {
		opts.fashionDir = filepath.Join(t.TempDir(), "no-fashion-mnist")
	}
	q := &uiQueue{}
	ui := goid()
	var mu sync.Mutex
	var onUI []string
	work := func(what string) {
		if goid() == ui {
			mu.Lock()
			onUI = append(onUI, what)
			mu.Unlock()
		}
	}
	opts.Samples, opts.NoSample, opts.post, opts.onWork = testSamples(), true, q.post, work
	// Tests press Start on their trained tiny model; TestStartAsksBefore
	// Discarding turns the question back on.
	opts.skipDiscardQuestion = true
	u := New(a, opts)
	queues.Store(u, q)
	u.win.Resize(fyne.NewSize(1000, 700))
	settle(u)
	t.Cleanup(func() {
		if r := u.training.current(); r != nil {
			r.Stop()
			<-r.Done()
		}
		u.ses.Close()
		queues.Delete(u)
		mu.Lock()
		defer mu.Unlock()
		if len(onUI) > 0 {
			t.Errorf("the session worked on the UI goroutine: %v", onUI)
		}
	})
	return u
}

// goid returns the calling goroutine's id, read from its stack header
// ("goroutine 7 [running]:"); for tests only.
func goid() uint64 {
	var buf [64]byte
	b := buf[:runtime.Stack(buf[:], false)]
	b = bytes.TrimPrefix(b, []byte("goroutine "))
	b = b[:bytes.IndexByte(b, ' ')]
	n, _ := strconv.ParseUint(string(b), 10, 64)
	return n
}

// testSamples are three fixed pictures (a disc, a cross, a ring), drawn
// here so that goldens do not depend on the dataset generator.
func testSamples() []session.Sample {
	names := []string{"sample 1 (circles)", "sample 2 (crosses)", "sample 3 (circles)"}
	out := make([]session.Sample, len(names))
	for k, name := range names {
		img := image.NewRGBA(image.Rect(0, 0, 60, 60))
		for y := range 60 {
			for x := range 60 {
				dx, dy := x-30+5*k, y-28
				r2 := dx*dx + dy*dy
				in := r2 < 18*18
				switch k {
				case 1:
					in = (abs(dx) < 5 && abs(dy) < 20) || (abs(dy) < 5 && abs(dx) < 20)
				case 2:
					in = r2 < 20*20 && r2 > 13*13
				}
				c := color.RGBA{uint8(20 + x), uint8(30 + y/2), 60, 255}
				if in {
					c = color.RGBA{230, 200, uint8(40 * k), 255}
				}
				img.SetRGBA(x, y, c)
			}
		}
		out[k] = session.Sample{Name: name, Thumb: img, Load: func() (image.Image, error) { return img, nil }}
	}
	return out
}

func abs(v int) int { return max(v, -v) }

// writePNG writes a w×h gradient PNG and returns its path.
func writePNG(t *testing.T, dir, name string, w, h int) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return p
}

// topOverlay returns the window's top overlay (a dialog), or nil.
func topOverlay(u *UI) fyne.CanvasObject { return u.win.Canvas().Overlays().Top() }

// dismissOverlays removes every overlay.
func dismissOverlays(u *UI) {
	for o := topOverlay(u); o != nil; o = topOverlay(u) {
		u.win.Canvas().Overlays().Remove(o)
	}
}

// eventually polls cond until it holds or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func mouseAt(x, y float32) *desktop.MouseEvent {
	return &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, y)}}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// headers returns the layer names the grid lists, in order.
func headers(u *UI) []string {
	var names []string
	for _, it := range u.grid.items {
		if it.header {
			names = append(names, u.grid.frame.Layers[it.band.Layer].Name)
		}
	}
	return names
}

// shownRow returns the row object showing list row id, scrolling to it
// so that the list makes it.
func shownRow(t *testing.T, u *UI, id int) *gridRow {
	t.Helper()
	u.grid.list.ScrollTo(id)
	u.grid.list.Refresh()
	settle(u)
	if r := u.grid.shown[id]; r != nil {
		return r
	}
	t.Fatalf("no row object shows row %d (of %d)", id, len(u.grid.items))
	return nil
}

// newTempApp is test.NewTempApp with a storage folder of the test's own.
// The test app's storage root is os.TempDir(), shared by every test and
// process: a training run's autosave left there by one test made another
// test's window offer "Resume training?" (and fail its golden image).
func newTempApp(t testing.TB) fyne.App {
	t.Setenv("TMPDIR", t.TempDir())
	return test.NewTempApp(t)
}

// pressKey types key on the window's canvas as the driver does when no
// field has the focus (nothing happens when the canvas takes no keys).
func pressKey(u *UI, key fyne.KeyName) {
	if f := u.win.Canvas().OnTypedKey(); f != nil {
		f(&fyne.KeyEvent{Name: key})
	}
}
