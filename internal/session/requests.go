package session

import (
	"sync"
	"time"

	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// request is what the worker is asked to do. Requests arriving while the
// worker is busy merge into one: the newest model, image, view and
// weights win; calls queue in order.
type request struct {
	model   *model.Model    // a new model (nil: unchanged)
	open    *openRequest    // a new image (nil: unchanged)
	view    *View           // a new view (nil: unchanged)
	weights *nn.Sequential  // a snapshot of live training weights (nil: none)
	calls   []func(*worker) // functions to run on the worker, in order
	at      time.Time       // when the oldest merged request was made
}

// openRequest is an image to load.
type openRequest struct {
	name, path string
	load       model.Loader
}

// changesFrame reports whether r makes the frame being computed pointless.
func (r *request) changesFrame() bool { return r.model != nil || r.open != nil || r.view != nil }

// slot is the worker's coalescing inbox: one pending request, merged.
type slot struct {
	mu      sync.Mutex
	changed sync.Cond // signalled when next, busy or closed change
	next    request
	pending bool
	busy    bool
	closed  bool
	spare   []*nn.Sequential // weight snapshots the worker is done with
}

func newSlot() *slot {
	s := &slot{}
	s.changed.L = &s.mu
	return s
}

// put merges r into the pending request.
func (s *slot) put(r request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := &s.next
	if !s.pending {
		*n = request{at: r.at}
	}
	if r.model != nil {
		n.model = r.model
		if n.weights != nil { // weights for the previous model
			s.spare = append(s.spare, n.weights)
			n.weights = nil
		}
	}
	if r.open != nil {
		n.open = r.open
	}
	if r.view != nil {
		n.view = r.view
	}
	if r.weights != nil {
		if n.weights != nil {
			s.spare = append(s.spare, n.weights)
		}
		n.weights = r.weights
	}
	n.calls = append(n.calls, r.calls...)
	if n.at.IsZero() || (!r.at.IsZero() && r.at.Before(n.at)) {
		n.at = r.at
	}
	s.pending = true
	s.changed.Broadcast()
}

// take waits for a request and marks the worker busy; ok is false once
// the slot is closed.
func (s *slot) take() (r request, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !s.pending && !s.closed {
		s.changed.Wait()
	}
	if s.closed {
		return request{}, false
	}
	r, s.next, s.pending, s.busy = s.next, request{}, false, true
	return r, true
}

// done marks the worker idle.
func (s *slot) done() {
	s.mu.Lock()
	s.busy = false
	s.changed.Broadcast()
	s.mu.Unlock()
}

// stale reports whether a pending request changes the frame: the worker
// then abandons the one it is rendering.
func (s *slot) stale() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending && s.next.changesFrame()
}

// idle waits until nothing is pending and the worker is not busy.
func (s *slot) idle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for (s.pending || s.busy) && !s.closed {
		s.changed.Wait()
	}
}

// close stops take.
func (s *slot) close() {
	s.mu.Lock()
	s.closed = true
	s.changed.Broadcast()
	s.mu.Unlock()
}

// recycle keeps a weight snapshot for the next LiveWeights.
func (s *slot) recycle(net *nn.Sequential) {
	s.mu.Lock()
	if len(s.spare) < 2 {
		s.spare = append(s.spare, net)
	}
	s.mu.Unlock()
}

// spareNet returns a recycled snapshot (nil if none).
func (s *slot) spareNet() *nn.Sequential {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.spare); n > 0 {
		net := s.spare[n-1]
		s.spare = s.spare[:n-1]
		return net
	}
	return nil
}
