package session

import (
	"fmt"

	"bytes"
	"github.com/convscope/convscope/nn"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// until settles h until cond holds (background tasks start more work).
func until(t *testing.T, h *harness, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		h.settle()
	}
}

// Frames carry the model's receptive fields; exemplars are found in a
// folder in the background and drawn with their patch; comparing two
// frames ranks channels and exports CSV.
func TestFieldsExemplarsCompare(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a.png", "", loaderOf(testImage(40, 30, 1)))
	h.settle()
	a := h.last()
	var pinned *Frame
	h.Pin(a, func(f *Frame, err error) {
		if err != nil {
			t.Error(err)
		}
		pinned = f
	})
	until(t, h, func() bool { return pinned != nil })
	if b, ok := a.Fields.Field("conv2d_2", 1, 2); !ok || b != (Box{Y0: 2, X0: 4, Y1: 10, X1: 12}) {
		t.Errorf("conv2d_2 (1, 2) field %v %v", b, ok)
	}
	if size, jump := a.Fields.Size("conv2d_2"); size != 8 || jump != 2 {
		t.Errorf("conv2d_2 field %d jump %d, want 8 and 2", size, jump)
	}

	dir := t.TempDir()
	for i := range 4 {
		var buf bytes.Buffer
		png.Encode(&buf, testImage(20+i, 20, i))
		os.WriteFile(filepath.Join(dir, "i"+string(rune('0'+i))+".png"), buf.Bytes(), 0o644)
	}
	var images int
	var ferr error
	finished := false
	h.FindExemplars(dir, func(done, total int) {}, func(n int, err error) { images, ferr, finished = n, err, true })
	until(t, h, func() bool { return finished })
	if ferr != nil || images != 4 || !h.HasExemplars() {
		t.Fatalf("exemplars: %d images, %v", images, ferr)
	}
	var ex []Exemplar
	got := false
	h.Exemplars("conv2d_2", 3, func(e []Exemplar) { ex, got = e, true })
	until(t, h, func() bool { return got })
	if len(ex) != 4 || ex[0].Value < ex[3].Value || ex[0].Image.Rect.Dx() != 12 || !strings.HasSuffix(ex[0].Entry.Image, ".png") {
		t.Errorf("exemplars %+v", ex)
	}

	h.Open("b.png", "", loaderOf(testImage(40, 30, 5)))
	h.settle()
	b := h.last()
	var c *Comparison
	// a's activations are the network's buffers, overwritten by b's
	// forward pass: only the pinned copy still holds them.
	stale := false
	h.Compare(a, b, "a", "b", func(r *Comparison, err error) { stale = err != nil })
	until(t, h, func() bool { return stale })
	a = pinned
	h.Compare(a, b, "a", "b", func(r *Comparison, err error) {
		if err != nil {
			t.Error(err)
		}
		c = r
	})
	until(t, h, func() bool { return c != nil })
	if len(c.Layers) != 3 || len(c.Layers[2].Changes) != 6 || c.Layers[0].Diff == nil || c.Layers[0].Changes[0].L2 == 0 {
		t.Fatalf("comparison %+v", c)
	}
	var buf bytes.Buffer
	if err := c.WriteCSV(&buf); err != nil || !strings.HasPrefix(buf.String(), "layer,rank,channel,l2,rms,a,b\nconv2d_1,1,") {
		t.Errorf("CSV %q", buf.String()[:min(80, buf.Len())])
	}
	// The same frame against itself: nothing changed.
	var same *Comparison
	h.Compare(a, a, "a", "a", func(r *Comparison, err error) { same = r })
	until(t, h, func() bool { return same != nil })
	if same.Layers[0].Changes[0].L2 != 0 {
		t.Errorf("a frame against itself changed by %v", same.Layers[0].Changes[0].L2)
	}
}

// namedStripes is stripes that names its images: the same 8 images over
// and over, as a validation folder.
type namedStripes struct {
	next  int
	names []string
}

func (s *namedStripes) Next(x, y *nn.Tensor) error {
	n, per := x.Shape[0], x.SampleSize()
	s.names = s.names[:0]
	for i := range n {
		k := s.next % 8
		s.next++
		y.Data[i] = float32(k % 2)
		for j := range per {
			x.Data[i*per+j] = float32((j*(k+1))%17) / 17
		}
		s.names = append(s.names, fmt.Sprint("val/", k, ".png"))
	}
	return nil
}

func (s *namedStripes) LastNames() []string { return s.names }

// A run with named validation data gathers exemplars in its validation
// passes: 2 steps × 4 images = 8 distinct images, so every channel's list
// holds all 8, best first.
func TestTrainingGathersExemplars(t *testing.T) {
	net, _ := tinyModel(t, 12).CloneNet()
	cfg := tinyTrainConfig()
	cfg.Validation = &namedStripes{}
	tr, err := StartTraining(net, cfg, TrainCallbacks{})
	if err != nil {
		t.Fatal(err)
	}
	res := tr.Wait()
	c := res.Exemplars
	if res.Err != nil || c == nil {
		t.Fatalf("result %+v", res)
	}
	l := c.Layer("conv2d_2")
	for ch, top := range l.Top {
		if len(top) != 8 {
			t.Fatalf("conv2d_2/%d: %d exemplars, want 8", ch, len(top))
		}
		for i := 1; i < len(top); i++ {
			if top[i].Value > top[i-1].Value {
				t.Errorf("conv2d_2/%d: not sorted", ch)
			}
		}
	}
}

// A graph model gets an atlas (kept in its metadata, so CachedAtlas finds
// it afterwards) and exemplars, as a Sequential one does.
func TestAtlasAndExemplarsOnGraph(t *testing.T) {
	defer func(n int) { AtlasSteps = n }(AtlasSteps)
	AtlasSteps = 3
	h := newHarness(t, wideModel(t))
	var tiles []AtlasTile
	var aerr error
	finished, progressed := false, false
	h.Atlas("wide", "", func(p AtlasProgress) { progressed = p.Total == 40 }, func(ts []AtlasTile, err error) { tiles, aerr, finished = ts, err, true })
	until(t, h, func() bool { return finished })
	if aerr != nil || len(tiles) != 40 || tiles[39].Channel != 39 || tiles[0].Image.Rect.Dx() != 12 || !progressed {
		t.Fatalf("atlas: %d tiles, %v (progress seen %v)", len(tiles), aerr, progressed)
	}
	var cached []AtlasTile
	got := false
	h.CachedAtlas("wide", "", func(ts []AtlasTile) { cached, got = ts, true })
	until(t, h, func() bool { return got })
	if len(cached) != 40 {
		t.Errorf("cached atlas: %d tiles, want 40", len(cached))
	}

	dir := t.TempDir()
	for i := range 3 {
		var buf bytes.Buffer
		png.Encode(&buf, testImage(20+i, 20, i))
		os.WriteFile(filepath.Join(dir, fmt.Sprint("g", i, ".png")), buf.Bytes(), 0o644)
	}
	var images int
	var ferr error
	finished = false
	h.FindExemplars(dir, func(done, total int) {}, func(n int, err error) { images, ferr, finished = n, err, true })
	until(t, h, func() bool { return finished })
	if ferr != nil || images != 3 || !h.HasExemplars() {
		t.Fatalf("exemplars: %d images, %v", images, ferr)
	}
	var ex []Exemplar
	got = false
	h.Exemplars("wide", 7, func(e []Exemplar) { ex, got = e, true })
	until(t, h, func() bool { return got })
	if len(ex) != 3 || ex[0].Value < ex[2].Value || ex[0].Patch.Empty() {
		t.Errorf("exemplars %+v", ex)
	}
}
