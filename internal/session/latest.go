package session

import "sync"

// Latest holds the newest value of a stream whose reader only ever wants
// the newest one: frames for the grid, progress for the plot. Put replaces
// a value not yet taken, so a slow reader skips values instead of queueing
// them. The zero Latest is empty and ready to use.
//
// A writer that gets true from Put schedules one reader call (for the UI,
// one fyne.Do); values put before that call runs are coalesced into it.
type Latest[T any] struct {
	mu   sync.Mutex
	val  T
	full bool
}

// Put stores v, dropping any value not yet taken, and reports whether the
// slot was empty: then, and only then, the caller must arrange a Take.
func (l *Latest[T]) Put(v T) (wasEmpty bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	wasEmpty = !l.full
	l.val, l.full = v, true
	return wasEmpty
}

// Take removes and returns the newest value; ok is false when there is
// none.
func (l *Latest[T]) Take() (v T, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok = l.val, l.full
	var zero T
	l.val, l.full = zero, false
	return v, ok
}

// deliver puts v into l and, when l was empty, posts one call that hands
// the newest value to fn: the hop from a worker goroutine to the UI.
func deliver[T any](l *Latest[T], post func(func()), v T, fn func(T)) {
	if !l.Put(v) {
		return
	}
	post(func() {
		if v, ok := l.Take(); ok {
			fn(v)
		}
	})
}
