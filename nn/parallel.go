package nn

import (
	"runtime"
	"sync"
)

// Workers is the number of goroutines layers use for their parallel loops. It
// defaults to GOMAXPROCS. Set it before building models; 1 runs everything
// on the calling goroutine.
var Workers = runtime.GOMAXPROCS(0)

// parallelFor calls fn(worker, i) for i in [0, n) on up to Workers goroutines.
// worker is in [0, Workers) and is unique among concurrently running calls,
// so fn may use per-worker scratch buffers indexed by it. Items are handed out
// dynamically, so uneven items balance.
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
	var next int64
	var mu sync.Mutex
	take := func() int {
		mu.Lock()
		i := int(next)
		next++
		mu.Unlock()
		return i
	}
	var wg sync.WaitGroup
	wg.Add(w)
	for k := 0; k < w; k++ {
		go func(worker int) {
			defer wg.Done()
			for i := take(); i < n; i = take() {
				fn(worker, i)
			}
		}(k)
	}
	wg.Wait()
}
