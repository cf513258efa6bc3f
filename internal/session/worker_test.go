package session

import (
	"errors"
	"image"
	"testing"
	"time"
)

// A frame's times are its own: the first frame of an image counts its
// load and forward pass in its total (from the request to the frame); a
// frame that only redraws (a view change) has neither, and its total is
// still measured from its own request, not from long ago — nor from an
// image that failed to open; a frame of live weights is timed from them.
func TestFrameTimings(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a", "", func() (image.Image, error) {
		time.Sleep(20 * time.Millisecond)
		return testImage(16, 16, 1), nil
	})
	h.settle()
	f := h.last().Timing
	if f.Load < 20*time.Millisecond || f.Forward <= 0 || f.Total < f.Load+f.Forward || f.Total > time.Minute {
		t.Errorf("first frame: %+v", f)
	}
	time.Sleep(300 * time.Millisecond)
	v := h.View()
	v.Cols = 3
	h.SetView(v)
	h.settle()
	g := h.last().Timing
	if g.Load != 0 || g.Forward != 0 || g.Total <= 0 || g.Total >= 250*time.Millisecond {
		t.Errorf("view-only frame: %+v", g)
	}

	h.Open("bad", "", func() (image.Image, error) { return nil, errors.New("corrupt") })
	h.settle()
	time.Sleep(300 * time.Millisecond)
	v.Cols = 4
	h.SetView(v)
	h.settle()
	if g := h.last().Timing; g.Total >= 250*time.Millisecond {
		t.Errorf("frame after a failed open: %+v", g)
	}

	live, _ := tinyArch(12).Build()
	live.Init(7)
	if err := h.LiveWeights(live); err != nil {
		t.Fatal(err)
	}
	h.settle()
	if l := h.last(); !l.Live || l.Timing.Forward <= 0 || l.Timing.Total <= 0 || l.Timing.Total > time.Minute {
		t.Errorf("live frame: %+v", l.Timing)
	}
}

// The colour bar is the view's colormap: it changes with the colormap and
// only then.
func TestColorBarFollowsColormap(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a", "", loaderOf(testImage(16, 16, 1)))
	h.settle()
	viridis := h.last().ColorBar
	v := h.View()
	v.Cols = 3
	h.SetView(v)
	h.settle()
	if h.last().ColorBar != viridis {
		t.Error("a column change redrew the colour bar")
	}
	v.Colormap = "magma"
	h.SetView(v)
	h.settle()
	magma := h.last().ColorBar
	// viridis starts dark purple (68, 1, 84), magma black (0, 0, 4).
	if a, b := viridis.RGBAAt(0, 0), magma.RGBAAt(0, 0); a.R != 68 || a.B != 84 || b.R != 0 || b.G != 0 {
		t.Errorf("colour bars start at %v (viridis) and %v (magma)", a, b)
	}
}

// A session without OnFrame or OnError callbacks works: frames and errors
// have nowhere to go, and nothing panics.
func TestSessionWithoutCallbacks(t *testing.T) {
	s := New(Options{Model: tinyModel(t, 12), Post: func(fn func()) { fn() }})
	defer s.Close()
	s.Open("bad", "", func() (image.Image, error) { return nil, errors.New("corrupt") })
	s.Wait()
	s.Open("good", "", loaderOf(testImage(16, 16, 1)))
	s.Wait()
	if f := s.Frame(); f == nil || f.Input.Name != "good" {
		t.Errorf("frame %+v", f)
	}
}

// A new model prepares the image on screen again without reporting
// anything: errors are for images that could not be prepared.
func TestSetModelReportsNoError(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a", "", loaderOf(testImage(30, 20, 3)))
	h.settle()
	h.SetModel(tinyModel(t, 16))
	h.settle()
	if len(h.errs) != 0 || h.last().Input.Tensor.Shape[1] != 16 {
		t.Errorf("errors %v after a new model", h.errs)
	}
}
