package nn

// Two-ended hand-out of a parallelFor's items. Handed out from one counter,
// the items of consecutive loops (a network's nodes, most of them cut into
// bands of output rows) fall to the caller and its helper in an order that
// changes from loop to loop, so a node often reads rows that the other core
// wrote, from that core's cache. With the caller taking items from the
// front and the helpers from the back until they meet, each core works on
// about the same rows of every node (the front or the back of the image)
// and mostly reads what it wrote itself; uneven items and a late helper
// still balance, as the meeting point moves (BENCHMARKS.md, branch
// perfmob2).

// twoEnded enables the two-ended hand-out (benchmarks turn it off to
// compare).
var twoEnded = true

// runEnds is job.run with the two-ended hand-out.
func (j *job) runEnds(worker int) int {
	for k := 0; ; k++ {
		i := j.take(worker != 0)
		if i < 0 {
			return k
		}
		j.fn(worker, i)
	}
}

// take claims the next item from the front, or from the back, and returns
// it, or -1 once every item is claimed.
func (j *job) take(back bool) int {
	for {
		v := j.ends.Load()
		lo, hi := int64(v&(1<<32-1)), int64(v>>32)
		if lo+hi >= j.n {
			return -1
		}
		if back {
			if j.ends.CompareAndSwap(v, v+1<<32) {
				return int(j.n - 1 - hi)
			}
		} else if j.ends.CompareAndSwap(v, v+1) {
			return int(lo)
		}
	}
}
