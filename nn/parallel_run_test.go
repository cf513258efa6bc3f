package nn

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestParallelForOneCounter: with the two-ended hand-out off (the single
// counter of job.run, which benchmarks compare against), every item runs
// exactly once on a worker in [0, min(workers, n)), for item counts below,
// at and above the number of workers.
func TestParallelForOneCounter(t *testing.T) {
	defer func(old bool) { twoEnded = old }(twoEnded)
	twoEnded = false
	for _, workers := range []int{2, 3, 2} {
		e := Engine{Workers: workers}
		for _, n := range []int{1, 2, 3, 7, 17, 100} {
			for rep := 0; rep < 4; rep++ {
				hits := make([]atomic.Int32, n)
				e.parallelFor(n, func(w, i int) {
					if w < 0 || w >= min(workers, n) || i < 0 || i >= n {
						t.Errorf("workers=%d n=%d: item %d on worker %d", workers, n, i, w)
						return
					}
					if i%5 == 0 {
						time.Sleep(10 * time.Microsecond)
					}
					hits[i].Add(1)
				})
				for i := range hits {
					if got := hits[i].Load(); got != 1 {
						t.Fatalf("workers=%d n=%d rep %d: item %d ran %d times", workers, n, rep, i, got)
					}
				}
			}
		}
	}
}

// TestJobRunCount: job.run, alone on a job, runs every item in order and
// returns how many it ran (the caller's count, which sets how long it
// polls for its helpers), with either hand-out.
func TestJobRunCount(t *testing.T) {
	defer func(old bool) { twoEnded = old }(twoEnded)
	for _, ends := range []bool{false, true} {
		twoEnded = ends
		for _, n := range []int{0, 1, 6} {
			var got []int
			j := &job{fn: func(_, i int) { got = append(got, i) }, n: int64(n)}
			if k := j.run(0); k != n {
				t.Errorf("twoEnded %v, n %d: run returned %d", ends, n, k)
			}
			if len(got) != n {
				t.Fatalf("twoEnded %v, n %d: ran items %v", ends, n, got)
			}
			for i, v := range got {
				if v != i {
					t.Fatalf("twoEnded %v, n %d: ran items %v, expected 0, 1, …", ends, n, got)
				}
			}
		}
	}
}

// TestParallelForStartsNeededHelpers: a call with w workers makes sure w −
// 1 helpers exist and starts no more: with the pool at p helpers, w = p +
// 1 leaves it at p and w = p + 3 grows it to exactly p + 2.
func TestParallelForStartsNeededHelpers(t *testing.T) {
	startHelpers(1)
	size := func() int { return len(*helpers.Load()) }
	p := size()
	e := Engine{Workers: p + 1}
	e.parallelFor(p+1, func(_, _ int) {})
	if got := size(); got != p {
		t.Errorf("%d workers: the pool grew from %d to %d helpers", p+1, p, got)
	}
	e.Workers = p + 3
	e.parallelFor(p+3, func(_, _ int) {})
	if got := size(); got != p+2 {
		t.Errorf("%d workers: the pool has %d helpers, expected %d", p+3, got, p+2)
	}
}

// pairOnHelper runs two items through parallelForWork with 2 workers; each
// item waits (up to wait) until both have started, so a helper that takes
// part runs the second. It reports whether a helper ran an item. It first
// waits (up to 5 s) until every helper is idle: right after calls that
// revoked helpers, a helper stays busy until its goroutine has read the
// revoked job, and a call enlists only idle helpers.
func pairOnHelper(work, wait time.Duration) bool {
	if p := helpers.Load(); p != nil {
		deadline := time.Now().Add(5 * time.Second)
		for _, h := range *p {
			for !h.idle.Load() && time.Now().Before(deadline) {
				time.Sleep(100 * time.Microsecond)
			}
		}
	}
	e := Engine{Workers: 2}
	var started atomic.Int32
	var helper atomic.Bool
	e.parallelForWork(2, work, func(w, _ int) {
		if w != 0 {
			helper.Store(true)
		}
		started.Add(1)
		for deadline := time.Now().Add(wait); started.Load() < 2 && time.Now().Before(deadline); {
			time.Sleep(10 * time.Microsecond)
		}
	})
	return helper.Load()
}

// TestParallelForWorkChoice: parallelForWork's three cases. Below
// hotMinWork the caller runs every item even right after a parallel call
// (its helper still polling); from parallelMinWork on, a helper takes part
// even when none is polling; in between, a helper takes part when one is
// polling (right after a parallel call: at least once in 50 tries, on a
// loaded machine). Each try starts with a call of 1 s of work, which must
// reach a helper: a mutant that keeps large loops on the caller fails
// within seconds.
func TestParallelForWorkChoice(t *testing.T) {
	warm := func() {
		if !pairOnHelper(time.Second, 5*time.Second) {
			t.Fatal("work 1s: the caller ran every item")
		}
	}
	for try := 0; try < 20; try++ {
		warm()
		if pairOnHelper(hotMinWork-1, 2*time.Millisecond) {
			t.Fatalf("try %d: work %v below hotMinWork ran on a helper", try, hotMinWork-1)
		}
	}
	for _, work := range []time.Duration{parallelMinWork, time.Second} {
		warm()
		for deadline := time.Now().Add(5 * time.Second); helperHot(1) && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		if !pairOnHelper(work, 5*time.Second) {
			t.Errorf("work %v with no helper polling: the caller ran every item", work)
		}
	}
	hot := false
	for try := 0; try < 50 && !hot; try++ {
		warm()
		hot = pairOnHelper(hotMinWork, 20*time.Millisecond)
	}
	if !hot {
		t.Errorf("work %v right after a parallel call: never ran on a helper in 50 tries", hotMinWork)
	}
}
