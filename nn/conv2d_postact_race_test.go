package nn

import (
	"fmt"
	"sync"
	"testing"
)

// TestActItemInterleaved is TestPointwiseActInterleaved for actItem, the
// fused activation of the row-block and column-block work items of the
// direct and im2col paths: each item must apply the activation to its
// own rows and columns only. An item that also read other items' values
// of y would read them before those items computed them and, with them
// run to their end in between (on other workers), write the activation
// of stale values last — a data race that concurrent runs show now and
// then. A hook on the path's item function (postAct.direct, which
// forwardAct keeps when postAct.item is set) runs the items on one goroutine in a fixed
// interleaving: one item first and, inside its first actRows call
// (between the read and the write), every other item; once for each
// item taken first. Every value of the activation node's output must
// then be ReLU of the final convolution output.
//
// The layers are those the direct path splits into row blocks (one
// worker, 4 blocks of 8 rows) and into column blocks (two workers: 4
// blocks of 64 channels of one image, splitColumns). It kills
// conv2d_postact.go:94:14, :94:19 (an item's first value r0·ow·f → /:
// it activates earlier rows too) and :96:8, :96:19 (`j0 == 0 && j1 ==
// f` negated either side: a column block activates whole pixels), which
// TESTING.md listed as equivalent ("the same values") from single-order
// runs.
func TestActItemInterleaved(t *testing.T) {
	defer func(k int) { colItems = k }(colItems)
	colItems = 2 // the column-block cases were worked out with two blocks per worker
	for _, tc := range interleaveCases {
		for first := 0; first < tc.items; first++ {
			t.Run(fmt.Sprintf("%s/item %d first", tc.name, first), func(t *testing.T) {
				l, x := interleavedConv(t, tc)
				oh := tc.h - 2
				y, a := NewTensor(1, oh, oh, tc.f), NewTensor(1, oh, oh, tc.f)
				const stale = 1e6
				for i := range y.Data {
					y.Data[i] = stale
				}
				act := &interleaveAct{}
				calls := 0
				l.pa.item = l.forwardItemAct // set: forwardAct then keeps both
				l.pa.direct = interleaveItems(act, tc.items, first, l.forwardDirectAct, &calls)
				l.forwardAct(y, a, x, act, nil)
				if !l.direct() || l.blocks != tc.blocks || l.cb != tc.colBlk || calls != tc.items {
					t.Fatalf("direct %v, %d row blocks × %d column blocks, %d items; expected the direct path, %d × %d", l.direct(), l.blocks, l.cb, calls, tc.blocks, tc.colBlk)
				}
				if act.between != nil {
					t.Fatal("the activation was not called")
				}
				for i, v := range y.Data {
					if v == stale {
						t.Fatalf("output value %d not written", i)
					}
					if want := max(v, 0); a.Data[i] != want {
						t.Fatalf("pixel %d, channel %d: activation %v, expected ReLU(%v) = %v", i/tc.f, i%tc.f, a.Data[i], v, want)
					}
				}
			})
		}
	}
}

// interleaveCase is a layer the direct path splits into row blocks (one
// worker) or column blocks (two workers): items work items in all,
// blocks row blocks × colBlk column blocks.
type interleaveCase struct {
	name                  string
	workers, h, cin, f    int
	items, blocks, colBlk int
}

// interleaveCases are TestActItemInterleaved's and TestResItemInterleaved's
// layers (worked out with colItems = 2).
var interleaveCases = []interleaveCase{
	{"row blocks", 1, 32, 32, 32, 4, 4, 1},
	{"column blocks", 2, 8, 64, 256, 4, 1, 4},
}

// interleavedConv builds tc's linear 3×3 convolution (Winograd off, tc's
// workers) with ramp weights and bias, and a ramp input of one image.
func interleavedConv(t *testing.T, tc interleaveCase) (*Conv2D, *Tensor) {
	t.Helper()
	l := NewConv2D(tc.f, 3, 3, WithActivation("linear"))
	e := Engine{Workers: tc.workers}
	e.opts.winogradOff = true
	l.setEngine(e)
	if _, err := l.Build([]int{tc.h, tc.h, tc.cin}); err != nil {
		t.Fatal(err)
	}
	fillRamp(l.kernel.Value, 0.37)
	fillRamp(l.bias.Value, 0.91)
	x := NewTensor(1, tc.h, tc.h, tc.cin)
	fillRamp(x.Data, 1.3)
	return l, x
}

// interleaveItems is the hook on a path's item function: its first call
// runs item first with run and, inside act's first activation call
// (between the read and the write), every other of the items; later
// calls (the work loop handing out the other items) only count, in *calls.
func interleaveItems(act *interleaveAct, items, first int, run func(worker, item int), calls *int) func(worker, item int) {
	var mu sync.Mutex
	ran := false
	return func(worker, _ int) {
		mu.Lock()
		defer mu.Unlock()
		*calls++
		if ran {
			return
		}
		ran = true
		act.between = func() {
			for i := range items {
				if i != first {
					run(worker, i)
				}
			}
		}
		run(worker, first)
	}
}
