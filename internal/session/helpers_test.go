package session

import (
	"bytes"
	"image"
	"math/rand"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/internal/testutil"
	"github.com/convscope/convscope/nn"
)

// tinyArch is a small convnet: size×size×3 → conv 4 → pool → conv 6 → dense 1.
var tinyArch = testutil.TinyArch

// tinyModel is tinyArch(size) with seed-1 weights and the classes dark, light.
func tinyModel(t testing.TB, size int) *Model {
	t.Helper()
	return &Model{Net: testutil.TinyNet(t, size), Classes: []string{"dark", "light"}, Label: "tiny"}
}

// testImage is a w×h gradient whose brightness depends on seed.
var testImage = testutil.Gradient

func loaderOf(img image.Image) model.Loader { return func() (image.Image, error) { return img, nil } }

// stripes is a BatchSource of images: label 1 for bright, 0 for dark.
type stripes struct{ rng *rand.Rand }

func (s *stripes) Next(x, y *nn.Tensor) error {
	n := x.Shape[0]
	per := x.SampleSize()
	for i := range n {
		lab := s.rng.Intn(2)
		y.Data[i] = float32(lab)
		base := 0.1 + 0.7*float32(lab)
		for j := range per {
			x.Data[i*per+j] = base + 0.2*s.rng.Float32()
		}
	}
	return nil
}

// harness runs a session whose UI goroutine is the test goroutine: what
// the session posts waits in a queue that settle drains, as the Fyne
// driver would run it.
type harness struct {
	*Session
	mu     sync.Mutex
	queue  []func()
	frames []*Frame // every frame delivered (with an image)
	errs   []error
	ui     uint64 // the test goroutine
	work   map[string]int
	onUI   []string // work done on the UI goroutine (must stay empty)
}

func newHarness(t *testing.T, m *Model) *harness {
	t.Helper()
	h := &harness{ui: goid(), work: map[string]int{}}
	h.Session = New(Options{
		Model: m,
		Post:  func(fn func()) { h.mu.Lock(); h.queue = append(h.queue, fn); h.mu.Unlock() },
		OnFrame: func(f *Frame) {
			if f.Input != nil {
				h.frames = append(h.frames, f)
			}
		},
		OnError: func(err error) { h.errs = append(h.errs, err) },
		OnWork: func(what string) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.work[what]++
			if goid() == h.ui {
				h.onUI = append(h.onUI, what)
			}
		},
	})
	t.Cleanup(func() {
		h.Close()
		if len(h.onUI) > 0 {
			t.Errorf("work done on the UI goroutine: %v", h.onUI)
		}
	})
	h.settle()
	return h
}

// settle waits for the worker and runs what it posted, until nothing is
// left.
func (h *harness) settle() {
	for {
		h.Wait()
		h.mu.Lock()
		q := h.queue
		h.queue = nil
		h.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for _, fn := range q {
			fn()
		}
	}
}

func (h *harness) last() *Frame {
	if len(h.frames) == 0 {
		return nil
	}
	return h.frames[len(h.frames)-1]
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

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// band draws band j of layer i of f on the worker and returns it.
func (h *harness) band(f *Frame, i, j int) *Sheet {
	var got *Sheet
	h.RenderBand(f, f.Bands(i)[j], func(s *Sheet) { got = s })
	h.settle()
	return got
}
