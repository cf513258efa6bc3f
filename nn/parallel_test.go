package nn

import (
	"math/rand"
	"sync/atomic"
	"testing"
	"time"
)

// TestParallelForWork: a loop estimated below hotMinWork runs every item
// on the caller (worker 0) in order (below parallelMinWork it may too,
// when no helper is polling for work); above parallelMinWork, with 2 workers, every
// item runs exactly once, and back-to-back calls (the caller's join poll,
// the helper's mailbox poll) lose or repeat none.
func TestParallelForWork(t *testing.T) {
	e := Engine{Workers: 2}
	var order []int
	e.parallelForWork(7, hotMinWork-1, func(w, i int) {
		if w != 0 {
			t.Errorf("item %d ran on worker %d, expected the caller", i, w)
		}
		order = append(order, i)
	})
	for i, v := range order {
		if v != i {
			t.Fatalf("serial items ran in order %v", order)
		}
	}
	if len(order) != 7 {
		t.Fatalf("%d items ran, expected 7", len(order))
	}
	for call := 0; call < 200; call++ {
		var hits [16]atomic.Int32
		e.parallelForWork(len(hits), parallelMinWork, func(w, i int) {
			if w < 0 || w > 1 {
				t.Errorf("worker %d, expected 0 or 1", w)
			}
			if i%5 == 0 {
				time.Sleep(time.Microsecond)
			}
			hits[i].Add(1)
		})
		for i := range hits {
			if n := hits[i].Load(); n != 1 {
				t.Fatalf("call %d: item %d ran %d times", call, i, n)
			}
		}
	}
}

// TestConv2DSmallImageOneItem: a single image whose convolution is
// estimated below parallelMinWork is one work item (the caller computes
// it); a large one is split for two workers.
func TestConv2DSmallImageOneItem(t *testing.T) {
	for _, tc := range []struct {
		in      []int
		filters int
		one     bool
	}{
		{[]int{4, 4, 8}, 8, true},      // 4·4·8·72 MACs
		{[]int{56, 56, 64}, 64, false}, // 56·56·64·576 MACs
	} {
		l := NewConv2D(tc.filters, 3, 3, WithPadding("same"))
		if _, err := l.Build(tc.in); err != nil {
			t.Fatal(err)
		}
		l.setEngine(Engine{Workers: 2})
		l.split(1, 1)
		l.splitColumns(1)
		if got := l.blocks*l.cb == 1; got != tc.one {
			t.Errorf("%v: %d blocks × %d column blocks (work %v), one item expected: %v", tc.in, l.blocks, l.cb, l.forwardWork(), tc.one)
		}
	}
}

// TestConcatenateParallel: the pixel-by-pixel, chunked Concatenate gives
// the naive channel concatenation on 1 and 3 workers, for outputs smaller
// than one work item and spanning many.
func TestConcatenateParallel(t *testing.T) {
	for _, tc := range []struct {
		hw    int
		chans []int
	}{{3, []int{2, 5}}, {55, []int{64, 64}}, {27, []int{128, 128, 8}}, {13, []int{1, 3}}} {
		for _, workers := range []int{1, 3} {
			c := NewConcatenate()
			var in [][]int
			var xs []*Tensor
			rng := rand.New(rand.NewSource(int64(tc.hw)))
			for _, ch := range tc.chans {
				in = append(in, []int{tc.hw, tc.hw, ch})
				x := NewTensor(2, tc.hw, tc.hw, ch)
				fillUniform(x.Data, 1, rng)
				xs = append(xs, x)
			}
			out, err := c.BuildMerge(in)
			if err != nil {
				t.Fatal(err)
			}
			c.setEngine(Engine{Workers: workers})
			y := NewTensor(append([]int{2}, out...)...)
			c.ForwardMerge(y, xs, false)
			outC := out[2]
			for p := 0; p < 2*tc.hw*tc.hw; p++ {
				off := 0
				for j, x := range xs {
					ch := tc.chans[j]
					for k := 0; k < ch; k++ {
						if got, want := y.Data[p*outC+off+k], x.Data[p*ch+k]; got != want {
							t.Fatalf("%v workers=%d: pixel %d channel %d = %g, expected %g", tc.chans, workers, p, off+k, got, want)
						}
					}
					off += ch
				}
			}
		}
	}
}
