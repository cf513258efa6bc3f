package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// parallelFor calls fn(worker, i) for i in [0, n) on up to e.workers()
// goroutines. worker is in [0, e.workers()) and is unique among
// concurrently running calls, so fn may use per-worker scratch buffers
// indexed by it. Items are handed out dynamically, so uneven items balance.
//
// The goroutines are a persistent pool of helpers started on first use, so
// a call does not allocate (as long as fn itself is not a freshly allocated
// closure: hot paths pass a method value stored once). The caller always
// works as worker 0 and enlists only helpers that are idle; a helper busy
// with another parallelFor (a second model on another goroutine, or a
// nested call) is not waited for, so nested and concurrent calls cannot
// deadlock, they just get fewer workers.
//
// A helper counts as idle from the moment it has finished its previous item
// (before the caller of that job is released), and its mailbox holds one
// job, so back-to-back calls always find it. When the items run out, the
// caller does not wait for a helper that has not started (on a loaded
// machine its thread may wait milliseconds for a time slice): it revokes
// the job instead, and polls for the helpers that did start before it
// blocks on them, for about two of its own items (30 µs to 1 ms, joinSpin):
// parking and waking a goroutine on a VM costs tens of microseconds, and a
// helper's last item ends within one item's time of the caller's. After a
// job a helper spins (helperSpin) for the next one before it blocks: a
// network's parallel loops come in quick succession, separated by small
// nodes run on the caller. Loops whose work is known to be small go
// through parallelForWork, which runs them on the caller alone unless a
// helper is spinning.
func (e *Engine) parallelFor(n int, fn func(worker, i int)) {
	w := e.workers()
	if w > n {
		w = n
	}
	if w <= 1 {
		for i := 0; i < n; i++ {
			fn(0, i)
		}
		return
	}
	hs := startHelpers(w - 1)
	j := getJob()
	j.fn, j.n = fn, int64(n)
	var sent [maxEnlist]*helper
	var tickets [maxEnlist]int64
	k := 0
	for _, h := range hs {
		if k == min(w-1, maxEnlist) {
			break
		}
		if h.idle.CompareAndSwap(true, false) {
			t := h.ticket.Add(1)
			h.claim.Store(t << 2) // pending
			j.wg.Add(1)
			h.mail <- j
			sent[k], tickets[k] = h, t
			k++
		}
	}
	t0 := time.Now()
	mine := j.run(0)
	spin := joinSpin
	if mine > 0 {
		spin = min(joinSpinMax, max(joinSpin, 2*time.Since(t0)/time.Duration(mine)))
	}
	// Every item is taken. A helper that has not started yet (on a busy
	// machine its thread may wait for a time slice) is told to skip the
	// job rather than waited for.
	started := int32(k)
	for i, h := range sent[:k] {
		if h.claim.CompareAndSwap(tickets[i]<<2, tickets[i]<<2|claimRevoked) {
			j.wg.Done()
			started--
		}
	}
	// The helpers that started are finishing their last item: poll for
	// them before blocking, because parking this goroutine and waking it
	// again costs more than a short item on a VM.
	if started > 0 && j.done.Load() < started {
		deadline := time.Now().Add(spin)
		for j.done.Load() < started && time.Now().Before(deadline) {
			runtime.Gosched()
		}
	}
	j.wg.Wait()
	putJob(j)
}

// parallelMinWork is the single-core time below which a parallel loop runs
// on its caller alone: a helper's hand-off and join cost tens of
// microseconds when it has to be woken. hotMinWork is that bound when a
// helper is polling for work (it spun after its last job), where the
// hand-off costs about a microsecond: ResNet-18's Adds and ReLUs at 14×14
// and 7×7 (estimated 6–13 µs, measured 12–50) then share out too.
const (
	parallelMinWork = 20 * time.Microsecond
	hotMinWork      = 4 * time.Microsecond
)

// parallelForWork is parallelFor for a loop whose n items together take
// about work on one core: below parallelMinWork (hotMinWork if a helper is
// polling for work), the caller runs them all.
func (e *Engine) parallelForWork(n int, work time.Duration, fn func(worker, i int)) {
	if work < hotMinWork || work < parallelMinWork && !helperHot(e.workers()-1) {
		for i := 0; i < n; i++ {
			fn(0, i)
		}
		return
	}
	e.parallelFor(n, fn)
}

// helperHot reports whether one of the first k helpers is polling its
// mailbox (or working), so that a job given to it starts at once.
func helperHot(k int) bool {
	p := helpers.Load()
	if p == nil || k <= 0 {
		return false
	}
	for _, h := range (*p)[:min(k, len(*p))] {
		if h.hot.Load() {
			return true
		}
	}
	return false
}

// maxEnlist bounds the helpers one call enlists (a fixed array, so that
// parallelFor does not allocate).
const maxEnlist = 64

// job is one parallelFor call shared between the caller and its helpers.
type job struct {
	fn   func(worker, i int)
	n    int64
	next atomic.Int64  // next item to hand out
	ends atomic.Uint64 // with twoEnded: items taken from the back << 32 | from the front
	ids  atomic.Int32  // last worker id handed to a helper
	done atomic.Int32  // helpers that have finished their items
	wg   sync.WaitGroup
}

// run calls fn for items until none is left and returns how many it ran.
// With twoEnded the caller (worker 0) takes items from the front and the
// helpers from the back (parallel_ends.go).
func (j *job) run(worker int) int {
	if twoEnded {
		return j.runEnds(worker)
	}
	for k := 0; ; k++ {
		i := j.next.Add(1) - 1
		if i >= j.n {
			return k
		}
		j.fn(worker, int(i))
	}
}

// helper is one pooled goroutine.
type helper struct {
	idle atomic.Bool // no job in hand or in the mailbox
	hot  atomic.Bool // working or polling the mailbox, not blocked on it
	// claim decides, for the job in the mailbox, between the helper
	// starting it and its caller revoking it: ticket<<2 | state, where the
	// ticket numbers the helper's jobs (so a late revocation cannot hit the
	// next job) and the state is pending (0), claimStarted or claimRevoked.
	claim  atomic.Int64
	ticket atomic.Int64 // last ticket issued, by whoever enlisted the helper
	mail   chan *job    // capacity 1
}

const (
	claimStarted = 1
	claimRevoked = 2
)

// helperSpin is how long a helper polls its mailbox after a job before it
// blocks; joinSpin and joinSpinMax bound how long a caller polls for its
// helpers to finish before it blocks (twice its mean item time between
// them). helperSpin covers the gaps between a network's parallel loops
// (ResNet-18 at batch 1: a 7×7 Add and ReLU and the next convolution's
// padding, ≈ 40–80 µs on one core), so that the helper is not parked and
// woken (tens of µs on a VM) at every node; it costs that much CPU after
// the last loop of a pass.
const (
	helperSpin  = 250 * time.Microsecond
	joinSpin    = 30 * time.Microsecond
	joinSpinMax = time.Millisecond
)

func (h *helper) loop() {
	for {
		var j *job
		select {
		case j = <-h.mail:
		default:
			deadline := time.Now().Add(helperSpin)
			for j == nil && time.Now().Before(deadline) {
				select {
				case j = <-h.mail:
				default:
					runtime.Gosched()
				}
			}
			if j == nil {
				h.hot.Store(false)
				j = <-h.mail
				h.hot.Store(true)
			}
		}
		if c := h.claim.Load(); c&3 != 0 || !h.claim.CompareAndSwap(c, c|claimStarted) {
			// Revoked: the caller has finished without us and may
			// already reuse j, which must not be touched.
			h.idle.Store(true)
			continue
		}
		j.run(int(j.ids.Add(1)))
		h.idle.Store(true)
		j.done.Add(1)
		j.wg.Done()
	}
}

var (
	poolMu  sync.Mutex
	helpers atomic.Pointer[[]*helper] // started helpers; grows only
	free    []*job                    // recycled jobs (sync.Pool drops items under -race)
)

// startHelpers makes sure at least k helper goroutines exist and returns
// them.
func startHelpers(k int) []*helper {
	if p := helpers.Load(); p != nil && len(*p) >= k {
		return *p
	}
	poolMu.Lock()
	defer poolMu.Unlock()
	var hs []*helper
	if p := helpers.Load(); p != nil {
		hs = *p
	}
	if len(hs) >= k {
		return hs
	}
	grown := append([]*helper(nil), hs...)
	for len(grown) < k {
		h := &helper{mail: make(chan *job, 1)}
		h.idle.Store(true)
		h.hot.Store(true)
		grown = append(grown, h)
		go h.loop()
	}
	helpers.Store(&grown)
	return grown
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
	j.ends.Store(0)
	j.ids.Store(0)
	j.done.Store(0)
	poolMu.Lock()
	free = append(free, j)
	poolMu.Unlock()
}
