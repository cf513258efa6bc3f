package session

import (
	"image"
	"testing"

	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// runPosted runs what the session has posted so far, without waiting for
// the worker (which a test may be holding).
func (h *harness) runPosted() {
	h.mu.Lock()
	q := h.queue
	h.queue = nil
	h.mu.Unlock()
	for _, fn := range q {
		fn()
	}
}

// hold blocks the worker inside a Do call until the returned function is
// called.
func (h *harness) hold() (release func()) {
	started, gate := make(chan struct{}), make(chan struct{})
	h.Do(func(*Model) { close(started); <-gate })
	<-started
	return func() { close(gate) }
}

// A request that does not change the picture (a call such as an inspect
// or a band of the frame on screen) arriving while a new image is being
// loaded must not hold back that image's frame: the worker publishes it,
// then runs the call. Only a new image, model or view makes the frame
// being computed pointless.
func TestPendingCallDoesNotHoldBackFrame(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	started, gate := make(chan struct{}), make(chan struct{})
	h.Open("a", "", func() (image.Image, error) {
		close(started)
		<-gate
		return testImage(16, 16, 1), nil
	})
	<-started
	called, callGate := make(chan struct{}), make(chan struct{})
	h.Do(func(*Model) { close(called); <-callGate })
	close(gate)
	<-called // the worker is inside the call: the frame is published or not
	h.runPosted()
	if len(h.frames) != 1 || h.last().Input.Name != "a" {
		t.Errorf("%d frames before the queued call ran, want the frame of a", len(h.frames))
	}
	close(callGate)
	h.settle()
	if len(h.frames) != 1 {
		t.Errorf("%d frames in all, want 1", len(h.frames))
	}
}

// netWithSeed is tinyModel's network initialised with seed.
func netWithSeed(t *testing.T, seed int64) *nn.Sequential {
	net, err := tinyArch(12).Build()
	if err != nil {
		t.Fatal(err)
	}
	net.Init(seed)
	return net
}

// Live weights still waiting for the worker belong to the model they were
// taken from: a model set after them (same architecture, its own weights)
// is shown with its own weights, not the training snapshot's.
func TestNewModelDropsPendingLiveWeights(t *testing.T) {
	probs := func(h *harness) []model.ClassProb { return h.last().Prediction.Top }
	ref := newHarness(t, &Model{Net: netWithSeed(t, 2), Classes: []string{"dark", "light"}})
	ref.Open("a", "", loaderOf(testImage(16, 16, 1)))
	ref.settle()

	h := newHarness(t, tinyModel(t, 12))
	h.Open("a", "", loaderOf(testImage(16, 16, 1)))
	h.settle()
	release := h.hold()
	if err := h.LiveWeights(netWithSeed(t, 3)); err != nil {
		t.Fatal(err)
	}
	b := &Model{Net: netWithSeed(t, 2), Classes: []string{"dark", "light"}}
	h.SetModel(b)
	release()
	h.settle()
	f := h.last()
	if f.Model != b || f.Live {
		t.Fatalf("frame of model %p (live %v), want %p, not live", f.Model, f.Live, b)
	}
	if got, want := probs(h), probs(ref); len(got) == 0 || got[0] != want[0] {
		t.Errorf("prediction %v, want the new model's own %v", got, want)
	}
}

// The slot keeps at most one weight snapshot pending; one that is
// replaced before the worker took it (by newer weights, or by a new model
// it no longer fits) goes back for LiveWeights to reuse, as do the ones
// the worker is done with — at most 2 (a network each: memory stays
// bounded however long training runs).
func TestSlotRecyclesReplacedSnapshots(t *testing.T) {
	a, b, c := netWithSeed(t, 1), netWithSeed(t, 2), netWithSeed(t, 3)
	m := &model.Model{Label: "other"}
	cases := []struct {
		name  string
		puts  []request
		want  *nn.Sequential // pending weights
		spare *nn.Sequential // recycled snapshot
	}{
		{"newer weights", []request{{weights: a}, {weights: b}}, b, a},
		{"new model", []request{{weights: a}, {model: m}}, nil, a},
		{"weights after the model", []request{{model: m}, {weights: b}}, b, nil},
		{"one snapshot", []request{{weights: a}}, a, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSlot()
			for _, r := range c.puts {
				s.put(r)
			}
			r, ok := s.take()
			if !ok || r.weights != c.want {
				t.Errorf("pending weights %p, want %p", r.weights, c.want)
			}
			if got := s.spareNet(); got != c.spare {
				t.Errorf("spare %p, want %p", got, c.spare)
			}
			if got := s.spareNet(); got != nil {
				t.Errorf("a second spare %p", got)
			}
		})
	}
	s := newSlot()
	for _, n := range []*nn.Sequential{a, b, c} {
		s.recycle(n)
	}
	for i, want := range []*nn.Sequential{b, a, nil} {
		if got := s.spareNet(); got != want {
			t.Errorf("recycled a, b, c: spare %d is %p, want %p (a %p, b %p, c %p)", i, got, want, a, b, c)
		}
	}
}
