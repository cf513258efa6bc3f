package session

import (
	"fmt"
	"sync"
	"testing"
)

func TestLatestCoalesces(t *testing.T) {
	var l Latest[int]
	if _, ok := l.Take(); ok {
		t.Fatal("an empty Latest gave a value")
	}
	if !l.Put(1) {
		t.Error("Put on an empty slot did not ask for a Take")
	}
	if l.Put(2) || l.Put(3) {
		t.Error("Put on a full slot asked for another Take")
	}
	if v, ok := l.Take(); !ok || v != 3 {
		t.Errorf("Take = %v, %v; want the newest, 3", v, ok)
	}
	if !l.Put(4) {
		t.Error("Put after Take did not ask for a Take")
	}
}

// TestDeliverPostsOncePerBurst checks that a burst of values from several
// goroutines makes at most one pending post and that the reader sees the
// last value (run with -race).
func TestDeliverPostsOncePerBurst(t *testing.T) {
	var l Latest[int]
	var mu sync.Mutex
	var posted []func()
	post := func(fn func()) { mu.Lock(); posted = append(posted, fn); mu.Unlock() }
	var got []int
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				deliver(&l, post, g*1000+i, func(v int) { got = append(got, v) })
			}
		}()
	}
	wg.Wait()
	if len(posted) != 1 {
		t.Fatalf("%d posts for one burst, want 1", len(posted))
	}
	posted[0]()
	if len(got) != 1 || got[0]%1000 != 99 {
		t.Errorf("reader saw %v, want one last value", got)
	}
	deliver(&l, post, 7, func(v int) { got = append(got, v) })
	posted[1]()
	if got[len(got)-1] != 7 {
		t.Errorf("reader saw %v after a second burst", got)
	}
}

// A producer puts values faster than the reader takes them; the reader
// sees only the newest, and the producer schedules one read per burst.
func ExampleLatest() {
	var progress Latest[int]
	var scheduled []func()
	post := func(fn func()) { scheduled = append(scheduled, fn) } // fyne.Do in the app
	for step := 1; step <= 5; step++ {
		deliver(&progress, post, step, func(v int) { fmt.Println("showing step", v) })
	}
	fmt.Println(len(scheduled), "update scheduled")
	scheduled[0]()
	// Output:
	// 1 update scheduled
	// showing step 5
}
