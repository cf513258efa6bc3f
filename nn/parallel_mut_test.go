package nn

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestParallelForEveryItemOnce: with 1 to 9 workers and item counts below,
// at and above them (odd ones included), every item runs exactly once, on
// a worker in [0, min(workers, n)), and no two calls running at the same
// time share a worker id. Each configuration runs back to back, so recycled
// jobs and helpers still polling their mailbox are exercised.
func TestParallelForEveryItemOnce(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 9, 2} {
		for _, n := range []int{0, 1, 2, 3, 7, 17, 100} {
			e := Engine{Workers: workers}
			for rep := 0; rep < 4; rep++ {
				hits := make([]atomic.Int32, n+1)
				busy := make([]atomic.Bool, workers+1)
				e.parallelFor(n, func(w, i int) {
					if w < 0 || w >= min(workers, n) {
						t.Errorf("workers=%d n=%d: item %d on worker %d", workers, n, i, w)
						return
					}
					if busy[w].Swap(true) {
						t.Errorf("workers=%d n=%d: worker %d runs two items at once", workers, n, w)
					}
					if i%7 == 0 {
						time.Sleep(20 * time.Microsecond)
					}
					hits[min(max(i, 0), n)].Add(1)
					busy[w].Store(false)
				})
				for i := range hits {
					want := int32(1)
					if i == n {
						want = 0
					}
					if got := hits[i].Load(); got != want {
						t.Fatalf("workers=%d n=%d rep %d: item %d ran %d times, expected %d", workers, n, rep, i, got, want)
					}
				}
			}
		}
	}
}

// TestParallelForRunsConcurrently: with w workers and w items, every item
// runs at the same time as the others (each waits until all have started),
// so the helpers are really enlisted, up to w - 1 of them, growing the pool
// when it is too small. The pool grows only, so the largest w is one no
// other test uses. Not parallel: other tests would hold the helpers.
func TestParallelForRunsConcurrently(t *testing.T) {
	for _, w := range []int{2, 3, 5, 11, 2, 4} {
		for rep := 0; rep < 3; rep++ {
			e := Engine{Workers: w}
			var started atomic.Int32
			var mu sync.Mutex
			failed := false
			e.parallelFor(w, func(_, i int) {
				started.Add(1)
				deadline := time.Now().Add(10 * time.Second)
				for started.Load() < int32(w) {
					if time.Now().After(deadline) {
						mu.Lock()
						failed = true
						mu.Unlock()
						return
					}
					time.Sleep(10 * time.Microsecond)
				}
			})
			if failed {
				t.Fatalf("w=%d rep %d: only %d of %d items ran at the same time", w, rep, started.Load(), w)
			}
		}
	}
}

// TestParallelForAtMostWorkers: a call with 2 workers after calls that
// started more helpers still runs at most 2 items at a time.
func TestParallelForAtMostWorkers(t *testing.T) {
	e := Engine{Workers: 6}
	e.parallelFor(6, func(_, _ int) { time.Sleep(100 * time.Microsecond) })
	e.Workers = 2
	for rep := 0; rep < 5; rep++ {
		var active, most atomic.Int32
		e.parallelFor(40, func(_, _ int) {
			a := active.Add(1)
			for {
				m := most.Load()
				if a <= m || most.CompareAndSwap(m, a) {
					break
				}
			}
			time.Sleep(200 * time.Microsecond)
			active.Add(-1)
		})
		if m := most.Load(); m > 2 {
			t.Fatalf("rep %d: %d items at once with 2 workers", rep, m)
		}
	}
}

// TestHelperHot: right after a parallel call that its helper took part in,
// the helper is still polling its mailbox (helperSpin), so helperHot(1)
// reports it (at least once in 50 tries, on a loaded machine); helperHot
// of no helpers is false.
func TestHelperHot(t *testing.T) {
	e := Engine{Workers: 2}
	if helperHot(0) || helperHot(-1) {
		t.Fatal("helperHot of no helpers is true")
	}
	hot := 0
	for rep := 0; rep < 50; rep++ {
		var started atomic.Int32
		e.parallelFor(2, func(_, _ int) { // both items at once: the helper ran one
			started.Add(1)
			for deadline := time.Now().Add(time.Second); started.Load() < 2 && time.Now().Before(deadline); {
				time.Sleep(10 * time.Microsecond)
			}
		})
		if helperHot(1) {
			hot++
		}
	}
	if hot == 0 {
		t.Fatal("helperHot(1) never true right after a parallel call")
	}
}
