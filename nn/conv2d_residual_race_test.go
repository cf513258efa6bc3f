package nn

import (
	"fmt"
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
// It kills the mutants of session 6's conv2d_residual.go:131:14,
// :131:19 (now :130, resItem's call of resRange: an item's first value
// r0·ow·f → /: it also adds and activates earlier rows) and :137:8,
// :137:19 (now :145, in resRange) (`j0 == 0 && j1 == f` negated either side: a column block
// takes whole pixels), listed as equivalent from single-order runs (a
// race "only -race sees": run in this interleaving, the stale
// activations land last).
func TestResItemInterleaved(t *testing.T) {
	defer func(k int) { colItems = k }(colItems)
	colItems = 2 // the column-block cases were worked out with two blocks per worker
	for _, tc := range interleaveCases {
		for first := 0; first < tc.items; first++ {
			t.Run(fmt.Sprintf("%s/item %d first", tc.name, first), func(t *testing.T) {
				l, x := interleavedConv(t, tc)
				oh := tc.h - 2
				y, sum, out, short := NewTensor(1, oh, oh, tc.f), NewTensor(1, oh, oh, tc.f), NewTensor(1, oh, oh, tc.f), NewTensor(1, oh, oh, tc.f)
				fillRamp(short.Data, 0.83)
				const stale = 1e6
				for i := range y.Data {
					y.Data[i] = stale
				}
				act := &interleaveReLU{ReLU: NewReLU(0, 0, 0)}
				calls := 0
				l.res.item = l.forwardItemRes // set: forwardResidual then keeps both
				l.res.direct = interleaveItems(&act.interleaveAct, tc.items, first, l.forwardDirectRes, &calls)
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
