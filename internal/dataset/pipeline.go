package dataset

import (
	"fmt"
	"math/rand/v2"

	"github.com/convscope/convscope/nn"
)

// Next fills x, shape (n, H, W, C), with the next n samples, each value
// pixel·rescale, and y with their targets: (n, 1) holding 0/1 for binary
// or the class index for sparse, (n, classes) one-hot for categorical. It
// panics if the shapes do not match. It returns an error only if every
// sample has failed to load, or after Close.
func (it *Iterator) Next(x, y *nn.Tensor) error {
	it.checkShapes(x, y)
	if it.err != nil {
		return it.err
	}
	select {
	case <-it.stop:
		it.err = ErrClosed
		return it.err
	default:
	}
	it.startOnce.Do(it.start)
	n := x.Shape[0]
	k := it.targetWidth()
	clear(y.Data)
	it.last = it.last[:0]
	for i := 0; i < n; {
		s := &it.ring[it.next%len(it.ring)]
		select {
		case <-s.ready:
		case <-it.stop:
			it.err = ErrClosed
			return it.err
		}
		it.next++
		if s.err != nil {
			it.skip(s.idx, s.err)
			it.free <- struct{}{}
			if it.err != nil {
				return it.err
			}
			continue
		}
		xs := x.Data[i*len(s.data) : (i+1)*len(s.data)]
		for j, v := range s.data {
			xs[j] = it.lut[v]
		}
		if it.mode == Categorical {
			y.Data[i*k+s.class] = 1
		} else {
			y.Data[i] = float32(s.class)
		}
		it.last = append(it.last, s.idx)
		it.free <- struct{}{}
		i++
	}
	return nil
}

// LastNames returns the names of the samples the last Next returned (file
// paths as shown to the user for a folder), in batch order.
func (it *Iterator) LastNames() []string {
	out := make([]string, len(it.last))
	for i, idx := range it.last {
		out[i] = it.src.name(idx)
	}
	return out
}

// checkShapes panics unless x is (n, H, W, C) and y is (n, k).
func (it *Iterator) checkShapes(x, y *nn.Tensor) {
	k := it.targetWidth()
	if len(x.Shape) != 4 || x.Shape[0] < 1 || x.Shape[1] != it.h || x.Shape[2] != it.w || x.Shape[3] != it.c {
		panic(fmt.Sprintf("dataset: Next: x is %v, expected (n, %d, %d, %d)", x, it.h, it.w, it.c))
	}
	if len(y.Shape) != 2 || y.Shape[0] != x.Shape[0] || y.Shape[1] != k {
		panic(fmt.Sprintf("dataset: Next: y is %v, expected (%d, %d)", y, x.Shape[0], k))
	}
}

// skip records a sample that failed, once, and sets it.err when none is
// left.
func (it *Iterator) skip(idx int, err error) {
	if len(it.bad) == 0 || it.bad[idx].Load() {
		return
	}
	it.bad[idx].Store(true)
	it.nbad++
	it.mu.Lock()
	it.report = append(it.report, BadFile{Path: it.src.name(idx), Err: err})
	first := it.report[0]
	it.mu.Unlock()
	if it.nbad == len(it.bad) {
		it.err = fmt.Errorf("dataset: none of the %d images could be loaded; the first failure: %s", it.nbad, first)
	}
}

// start allocates the ring and launches the producer and the workers.
func (it *Iterator) start() {
	it.started = true
	r := it.Prefetch()
	it.ring = make([]slot, r)
	for i := range it.ring {
		it.ring[i].ready = make(chan struct{}, 1)
	}
	it.free = make(chan struct{}, r)
	for range r {
		it.free <- struct{}{}
	}
	it.jobs = make(chan *slot, r)
	it.wg.Add(1 + it.workers)
	go it.produce()
	for range it.workers {
		go it.work()
	}
}

// produce hands out slots in sequence: pass after pass over the samples,
// each pass in the order fixed by (seed, pass), skipping samples known to be
// bad. It waits for a free slot before reusing one, so at most len(ring)
// samples are in flight.
func (it *Iterator) produce() {
	defer it.wg.Done()
	defer close(it.jobs)
	n := it.src.count()
	order := make([]int, n)
	seq := 0
	emit := func(idx int) bool {
		select {
		case <-it.free:
		case <-it.stop:
			return false
		}
		s := &it.ring[seq%len(it.ring)]
		s.idx = idx
		seq++
		it.jobs <- s // never blocks: the channel holds len(ring) slots
		return true
	}
	if n == 0 { // endless stream
		for idx := int(it.skipN); ; idx++ {
			if !emit(idx) {
				return
			}
		}
	}
	firstPass, offset := uint64(it.skipN/int64(n)), int(it.skipN%int64(n))
	for pass := firstPass; ; pass++ {
		for i := range order {
			order[i] = i
		}
		if it.shuffle {
			rng := rand.New(rand.NewPCG(it.seed, pass))
			rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		}
		emitted := 0
		for k, idx := range order {
			if it.bad[idx].Load() || (pass == firstPass && k < offset) {
				continue
			}
			if !emit(idx) {
				return
			}
			emitted++
		}
		if emitted == 0 && (pass != firstPass || offset == 0) { // everything failed; Next reports it
			<-it.stop
			return
		}
	}
}

// work loads samples into the slots it is handed.
func (it *Iterator) work() {
	defer it.wg.Done()
	ws := new(workspace)
	size := it.h * it.w * it.c
	for s := range it.jobs {
		s.err = nil
		if it.cache != nil {
			if p := it.cache[s.idx].Load(); p != nil {
				s.data, s.class = *p, it.src.class(s.idx)
				s.ready <- struct{}{}
				continue
			}
		}
		s.buf = grow(s.buf, size)
		s.err = it.src.load(ws, s.idx, s.buf)
		s.data, s.class = s.buf, it.src.class(s.idx)
		if s.err == nil && it.cache != nil {
			c := append([]uint8(nil), s.buf...)
			it.cache[s.idx].Store(&c)
		}
		s.ready <- struct{}{}
	}
}

// Close stops the workers and waits for them. Next then returns ErrClosed.
func (it *Iterator) Close() error {
	it.closeOnce.Do(func() {
		close(it.stop)
		it.startOnce.Do(func() {}) // never start after Close
		it.wg.Wait()
	})
	return nil
}
