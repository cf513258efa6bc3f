package dataset

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/convscope/convscope/nn"
)

// nextWithin calls it.Next and fails the test if it has not returned
// within d (then Close unblocks it): a broken failure count or producer
// makes Next wait for ever instead of failing.
func nextWithin(t *testing.T, it *Iterator, x, y *nn.Tensor, d time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- it.Next(x, y) }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		it.Close()
		<-done
		t.Fatalf("Next did not return within %v", d)
		return nil
	}
}

// A folder whose every file fails reports it from the first Next, naming
// the count and the first failure, whatever the folder's size, the batch
// size and the number of workers — in seconds, not never.
func TestIteratorAllCorruptReturns(t *testing.T) {
	for _, c := range []struct {
		classes, perClass, batch, workers int
	}{
		{2, 1, 1, 1}, {2, 2, 2, 1}, {2, 3, 4, 2}, {3, 4, 5, 3},
	} {
		var bad []int
		for k := range c.classes {
			for i := range c.perClass {
				bad = append(bad, 50*k+i)
			}
		}
		f := idFolder(t, c.classes, c.perClass, Options{Workers: c.workers}, bad...)
		it := f.Iterator(c.batch, true, 0)
		x, y := it.NewBatch()
		err := nextWithin(t, it, x, y, 10*time.Second)
		n := c.classes * c.perClass
		if err == nil || !strings.Contains(err.Error(), "none of the "+strconv.Itoa(n)+" images could be loaded; the first failure: d/class") {
			t.Errorf("%d corrupt files: %v", n, err)
		}
		if len(it.Skipped()) != n {
			t.Errorf("%d corrupt files: %d skipped", n, len(it.Skipped()))
		}
		it.Close()
	}
}

// An all-corrupt folder read from an offset (a resumed run) also reports
// it, and Close then returns: the producer, having found nothing left to
// emit in a later pass, waits for Close instead of spinning through
// passes for ever.
func TestIteratorAllCorruptAfterSkip(t *testing.T) {
	f := idFolder(t, 2, 3, Options{Workers: 2}, 0, 1, 2, 50, 51, 52)
	for _, skip := range []int64{1, 4, 8} {
		it := f.Iterator(2, true, 0)
		if err := it.SkipSamples(skip); err != nil {
			t.Fatal(err)
		}
		x, y := it.NewBatch()
		if err := nextWithin(t, it, x, y, 10*time.Second); err == nil || !strings.Contains(err.Error(), "none of the 6 images could be loaded") {
			t.Errorf("skip %d: %v", skip, err)
		}
		closed := make(chan struct{})
		go func() { it.Close(); close(closed) }()
		select {
		case <-closed:
		case <-time.After(10 * time.Second):
			t.Fatalf("skip %d: Close did not return", skip)
		}
	}
}
