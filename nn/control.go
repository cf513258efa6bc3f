package nn

import (
	"context"
	"sync"
	"time"
)

// Control pauses and resumes a running Fit from another goroutine (a UI
// button, say). Fit checks it between batches: while paused it blocks,
// still returning promptly when its context is cancelled. The zero value is
// a running (not paused) Control; it is safe for concurrent use.
type Control struct {
	mu     sync.Mutex
	paused bool
	resume chan struct{} // closed by Resume; non-nil while paused
}

// Pause asks Fit to stop before its next batch until Resume is called.
func (c *Control) Pause() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.paused {
		c.paused = true
		c.resume = make(chan struct{})
	}
}

// Resume lets a paused Fit continue.
func (c *Control) Resume() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused {
		c.paused = false
		close(c.resume)
		c.resume = nil
	}
}

// Paused reports whether Pause was called without a matching Resume.
func (c *Control) Paused() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.paused
}

// wait blocks while c is paused and returns how long it waited, or ctx's
// error if ctx is done first. A nil Control never waits.
func (c *Control) wait(ctx context.Context) (time.Duration, error) {
	if c == nil {
		return 0, nil
	}
	start := time.Now()
	for {
		c.mu.Lock()
		ch := c.resume
		c.mu.Unlock()
		if ch == nil {
			return time.Since(start), nil
		}
		select {
		case <-ch: // resumed; loop in case Pause was called again
		case <-ctx.Done():
			return time.Since(start), ctx.Err()
		}
	}
}

// Wait blocks while c is paused, as Trainer.Fit does between batches, and
// returns how long it waited, or ctx's error if ctx is done first: for
// training loops outside nn (transfer learning's). A nil Control never
// waits.
func (c *Control) Wait(ctx context.Context) (time.Duration, error) { return c.wait(ctx) }
