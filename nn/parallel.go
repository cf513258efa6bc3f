package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Workers is the number of goroutines layers use for their parallel loops. It
// defaults to GOMAXPROCS. Set it before building models; 1 runs everything
// on the calling goroutine.
var Workers = runtime.GOMAXPROCS(0)

// parallelFor calls fn(worker, i) for i in [0, n) on up to Workers goroutines.
// worker is in [0, Workers) and is unique among concurrently running calls,
// so fn may use per-worker scratch buffers indexed by it. Items are handed out
// dynamically, so uneven items balance.
//
// The goroutines are a persistent pool started on first use, so a call does
// not allocate (as long as fn itself is not a freshly allocated closure: hot
// paths pass a method value stored once). The caller always works as worker
// 0; helpers that are busy with another parallelFor (for example a second
// model on another goroutine, or a nested call) are not waited for, so
// nested and concurrent calls cannot deadlock, they just get fewer workers.
func parallelFor(n int, fn func(worker, i int)) {
	w := Workers
	if w > n {
		w = n
	}
	if w <= 1 {
		for i := 0; i < n; i++ {
			fn(0, i)
		}
		return
	}
	startHelpers(w - 1)
	j := getJob()
	j.fn, j.n = fn, int64(n)
	for k := 1; k < w; k++ {
		j.wg.Add(1)
		select {
		case jobs <- j:
		default:
			// Every helper is busy: do without the rest.
			j.wg.Done()
			k = w
		}
	}
	j.run(0)
	j.wg.Wait()
	putJob(j)
}

// job is one parallelFor call shared between the caller and its helpers.
type job struct {
	fn   func(worker, i int)
	n    int64
	next atomic.Int64 // next item to hand out
	ids  atomic.Int32 // last worker id handed to a helper
	wg   sync.WaitGroup
}

func (j *job) run(worker int) {
	for {
		i := j.next.Add(1) - 1
		if i >= j.n {
			return
		}
		j.fn(worker, int(i))
	}
}

var (
	// jobs is unbuffered: a send succeeds only when a helper is idle.
	jobs = make(chan *job)

	poolMu  sync.Mutex
	helpers atomic.Int32 // helper goroutines started
	free    []*job       // recycled jobs (sync.Pool drops items under -race)
)

// startHelpers makes sure at least k helper goroutines exist.
func startHelpers(k int) {
	if int(helpers.Load()) >= k {
		return
	}
	poolMu.Lock()
	for int(helpers.Load()) < k {
		helpers.Add(1)
		go helper()
	}
	poolMu.Unlock()
}

func helper() {
	for j := range jobs {
		j.run(int(j.ids.Add(1)))
		j.wg.Done()
	}
}

func getJob() *job {
	poolMu.Lock()
	defer poolMu.Unlock()
	if len(free) == 0 {
		return new(job)
	}
	j := free[len(free)-1]
	free = free[:len(free)-1]
	return j
}

func putJob(j *job) {
	j.fn = nil
	j.next.Store(0)
	j.ids.Store(0)
	poolMu.Lock()
	free = append(free, j)
	poolMu.Unlock()
}
