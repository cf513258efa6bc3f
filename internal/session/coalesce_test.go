package session

import (
	"fmt"
	"image"
	"math"
	"testing"
)

// TestBurstWhileBusyMergesIntoOne: while the worker is held inside the
// first image's load, 49 more opens arrive; they must merge into one
// request (the newest image), so exactly two images are loaded and one
// frame reaches the UI, showing the last. A worker that queued requests
// would load 50.
func TestBurstWhileBusyMergesIntoOne(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	started, gate := make(chan struct{}), make(chan struct{})
	h.Open("img0", "", func() (image.Image, error) {
		close(started)
		<-gate
		return testImage(16, 16, 0), nil
	})
	<-started
	for i := 1; i < 50; i++ {
		h.Open(fmt.Sprint("img", i), "", loaderOf(testImage(16, 16, i)))
	}
	close(gate)
	h.Wait()
	h.mu.Lock()
	posts := len(h.queue)
	h.mu.Unlock()
	h.settle()
	if n := h.work["load"]; n != 2 {
		t.Errorf("%d loads for 50 opens made while the worker was busy, want 2 (the first and the newest)", n)
	}
	if posts != 1 {
		t.Errorf("%d posts to the UI for the burst, want 1", posts)
	}
	if len(h.frames) != 1 || h.last().Input.Name != "img49" {
		t.Errorf("%d frames, last %q; want 1 frame of img49", len(h.frames), h.last().Input.Name)
	}
}

// TestSlowUIHoldsOneFrame: the UI does not run what the session posts
// while 40 images are loaded and run one after another. Only the newest
// frame is kept for it (Latest): one pending post, not 40, and when the UI
// runs it gets the newest frame. (Frames no longer carry drawn sheets —
// the grid asks for bands of what is on screen — so the memory a queue
// would hold is no longer the measure; the count of posts is.)
func TestSlowUIHoldsOneFrame(t *testing.T) {
	h := newHarness(t, tinyModel(t, 24))
	h.Open("warm-up", "", loaderOf(testImage(24, 24, 99)))
	h.settle()
	for i := range 40 {
		h.Open(fmt.Sprint("img", i), "", loaderOf(testImage(24, 24, i)))
		h.Wait() // loaded, run and delivered; the UI has not run
	}
	h.mu.Lock()
	posts := len(h.queue)
	h.mu.Unlock()
	if posts != 1 {
		t.Errorf("%d posts waiting for a slow UI, want 1", posts)
	}
	h.settle()
	if got := h.last().Input.Name; got != "img39" {
		t.Errorf("the UI got %q, want the newest frame img39", got)
	}
}

// TestCompareNamesItsSides: the comparison carries the names it was given.
func TestCompareNamesItsSides(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a.png", "", loaderOf(testImage(16, 16, 1)))
	h.settle()
	f := h.last()
	var c *Comparison
	h.Compare(f, f, "cat.jpg · epoch 3", "cat.jpg · epoch 4", func(r *Comparison, err error) { c = r })
	h.settle()
	if c == nil || c.A != "cat.jpg · epoch 3" || c.B != "cat.jpg · epoch 4" {
		t.Errorf("comparison %+v, want sides named as given", c)
	}
}

// TestCompareRanksChannels: channels are ranked by L2, most changed first,
// ties in channel order, and RMS = L2 / √(H·W).
func TestCompareRanksChannels(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a.png", "", loaderOf(testImage(16, 16, 1)))
	h.settle()
	// A frame's activations are the network's own buffers: pin the first
	// (a copy of its own) before the next image overwrites them.
	var a *Frame
	h.Pin(h.last(), func(p *Frame, err error) {
		if err != nil {
			t.Fatal(err)
		}
		a = p
	})
	h.settle()
	h.Open("b.png", "", loaderOf(testImage(30, 20, 6)))
	h.settle()
	b := h.last()
	var same, diff *Comparison
	h.Compare(a, a, "a", "a", func(r *Comparison, err error) { same = r })
	h.Compare(a, b, "a", "b", func(r *Comparison, err error) { diff = r })
	h.settle()
	h.Wait()
	h.settle()
	if same == nil || diff == nil {
		t.Fatal("no comparison")
	}
	for k, c := range same.Layers[0].Changes {
		if c.Channel != k || c.L2 != 0 {
			t.Fatalf("a frame against itself: rank %d is channel %d (L2 %v), want channel %d, 0", k, c.Channel, c.L2, k)
		}
	}
	for li, l := range diff.Layers {
		shape := a.Layers[li].Act.Shape // 1, H, W, C
		hw := float64(shape[1] * shape[2])
		for k, c := range l.Changes {
			if k > 0 && c.L2 > l.Changes[k-1].L2 {
				t.Errorf("%s: rank %d has L2 %v above rank %d's %v", l.Name, k, c.L2, k-1, l.Changes[k-1].L2)
			}
			if want := c.L2 / math.Sqrt(hw); math.Abs(c.RMS-want) > 1e-9*(1+want) {
				t.Errorf("%s channel %d: RMS %v, want L2/√(H·W) = %v", l.Name, c.Channel, c.RMS, want)
			}
		}
	}
}

func TestStandardiseLiteral(t *testing.T) {
	// HWC with 2 channels: channel 0 = (1, 2) → mean 1.5, σ 0.5 → (−1, 1);
	// channel 1 = (3, 6) → mean 4.5, σ 1.5 → (−1, 1); constant → 0.
	got := standardise([]float32{1, 3, 2, 6}, 2)
	want := []float32{-1, -1, 1, 1}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Fatalf("standardise = %v, want %v", got, want)
		}
	}
	if got := standardise([]float32{7, 7, 7}, 1); got[0] != 0 || got[1] != 0 || got[2] != 0 {
		t.Errorf("constant channel: %v, want zeros", got)
	}
}
