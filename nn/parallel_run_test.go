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
