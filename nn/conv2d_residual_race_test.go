package nn

import (
	"fmt"
	"sync"
	"testing"
)

// interleaveReLU is a ReLU layer whose fused forward pass (actRows) is
// interleaveAct's: at its first call it reads its input, runs between,
// then writes. It is not a *ReLU, so forwardResidual does not take it for
// a clamp and calls its actRows.
type interleaveReLU struct {
	*ReLU
	interleaveAct
}

func (r *interleaveReLU) actRows(y, x []float32) { r.interleaveAct.actRows(y, x) }

// TestResItemInterleaved is TestActItemInterleaved for resItem, the
// fused residual Add and activation of a convolution's row-block and
// column-block work items (conv2d_residual.go): each item must add and
// activate its own rows and channels only. The direct path's items run
// on one goroutine through a hook on resFuse.direct (kept by
// forwardResidual when resFuse.item is set), one item first and every
// other inside its first actRows call, between the read of its sums and
// the write of its activations; each item first once. Every sum must
// then be y + shortcut and every output ReLU of its sum.
//
// It kills conv2d_residual.go:131:14, :131:19 (an item's first value
// r0·ow·f → /: it also adds and activates earlier rows) and :137:8,
// :137:19 (`j0 == 0 && j1 == f` negated either side: a column block
// takes whole pixels), listed as equivalent from single-order runs (a
// race "only -race sees": run in this interleaving, the stale
// activations land last).
func TestResItemInterleaved(t *testing.T) {
	defer func(k int) { colItems = k }(colItems)
	colItems = 2 // the column-block cases were worked out with two blocks per worker
	for _, tc := range []struct {
		name                  string
		workers, h, cin, f    int
		items, blocks, colBlk int
	}{
		{"row blocks", 1, 32, 32, 32, 4, 4, 1},
		{"column blocks", 2, 8, 64, 256, 4, 1, 4},
	} {
		for first := 0; first < tc.items; first++ {
			t.Run(fmt.Sprintf("%s/item %d first", tc.name, first), func(t *testing.T) {
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
				oh := tc.h - 2
				y, sum, out, short := NewTensor(1, oh, oh, tc.f), NewTensor(1, oh, oh, tc.f), NewTensor(1, oh, oh, tc.f), NewTensor(1, oh, oh, tc.f)
				fillRamp(short.Data, 0.83)
				const stale = 1e6
				for i := range y.Data {
					y.Data[i] = stale
				}
				act := &interleaveReLU{ReLU: NewReLU(0, 0, 0)}
				var mu sync.Mutex
				ran, calls := false, 0
				l.res.item = l.forwardItemRes // set: forwardResidual then keeps both
				l.res.direct = func(worker, item int) {
					mu.Lock()
					defer mu.Unlock()
					calls++
					if ran {
						return
					}
					ran = true
					act.between = func() {
						for i := range tc.items {
							if i != first {
								l.forwardDirectRes(worker, i)
							}
						}
					}
					l.forwardDirectRes(worker, first)
				}
				l.forwardResidual(y, sum, out, short, x, nil, act)
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
					s := v + short.Data[i]
					if sum.Data[i] != s {
						t.Fatalf("pixel %d, channel %d: sum %v, expected %v + %v", i/tc.f, i%tc.f, sum.Data[i], v, short.Data[i])
					}
					if want := max(s, 0); out.Data[i] != want {
						t.Fatalf("pixel %d, channel %d: activation %v, expected ReLU(%v) = %v", i/tc.f, i%tc.f, out.Data[i], s, want)
					}
				}
			})
		}
	}
}
