package nn

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestParallelForTwoEnded: with the two-ended hand-out every item runs
// exactly once, the caller's items are a prefix [0, k) taken in order, and
// the helpers' items the rest, taken from the back — for item counts
// around the number of workers and uneven item times.
func TestParallelForTwoEnded(t *testing.T) {
	defer func(old bool) { twoEnded = old }(twoEnded)
	twoEnded = true
	for _, workers := range []int{2, 3} {
		e := Engine{Workers: workers}
		for _, n := range []int{1, 2, 3, 5, 17, 64} {
			for round := 0; round < 20; round++ {
				counts := make([]atomic.Int32, n)
				var order [2][]int // the caller's items, then a helper's (workers == 2)
				e.parallelFor(n, func(worker, i int) {
					counts[i].Add(1)
					if workers == 2 {
						order[worker] = append(order[worker], i)
					}
					if i%3 == 0 {
						time.Sleep(time.Duration(round%3) * time.Microsecond)
					}
				})
				for i := range counts {
					if c := counts[i].Load(); c != 1 {
						t.Fatalf("%d workers, n %d: item %d ran %d times", workers, n, i, c)
					}
				}
				if workers != 2 {
					continue
				}
				for k, i := range order[0] {
					if i != k {
						t.Fatalf("n %d: the caller's items %v are not 0, 1, 2, …", n, order[0])
					}
				}
				for k, i := range order[1] {
					if i != n-1-k {
						t.Fatalf("n %d: the helper's items %v are not n-1, n-2, …", n, order[1])
					}
				}
			}
		}
	}
}
