package nn

import (
	"fmt"
	"testing"
)

// TestPwResItemInterleaved is TestResItemInterleaved for pointwiseItemRes,
// the fused residual Add and activation of the 1×1 path's work items
// (conv2d_pwres.go): each item must add and activate its own pixels'
// channels of its own column group only. An item that also took a lower
// group's channels would read them before that group's item computed
// them and, with that item run to its end in between (on another worker:
// both items run at once), write the sums' activations from stale values
// last — a data race that concurrent runs show now and then, as in
// TestPointwiseActInterleaved. A hook on the path's item function
// (pwState.fn, which forwardPointwise keeps when set) runs the items on
// one goroutine: one item first and every other inside its first actRows
// call, between the read of its sums and the write of its activations;
// each item first once. Every sum must then be y + shortcut and every
// output ReLU of its sum.
//
// The layer is TestPointwiseActInterleaved's: 2 pixel chunks × 2 column
// groups of 128 and 64 channels. It kills conv2d_pwres.go:47:31
// (`grp*pw.gw` → `grp/pw.gw` in the first channel j0 handed to
// resRange: j0 = 0 for every group, so group 1's item sums and activates
// channels [0, 192) of its pixels, group 0's included; session 6's
// `:47:15`, before 02a52e8 moved the tail into resRange), which every
// run without the hook survived (TESTING.md: a race). Through the 1×1
// path it also kills resRange's conv2d_residual.go:145:8, :145:19
// (`j0 == 0 && j1 == f` negated either side: group 1 takes whole pixels;
// session 6's conv2d_pwres.go:54:8, :54:19, listed as equivalent there),
// which TestResItemInterleaved kills on the direct path.
func TestPwResItemInterleaved(t *testing.T) {
	const h, w, cin, f = 12, 12, 16, 192
	const items = 4 // 2 chunks × 2 groups
	for first := range items {
		t.Run(fmt.Sprintf("item %d first", first), func(t *testing.T) {
			l := NewConv2D(f, 1, 1, WithActivation("linear"))
			e := Engine{Workers: 1}
			e.opts.stemGo = true
			l.setEngine(e)
			if _, err := l.Build([]int{h, w, cin}); err != nil {
				t.Fatal(err)
			}
			fillRamp(l.kernel.Value, 0.37)
			fillRamp(l.bias.Value, 0.91)
			x := NewTensor(1, h, w, cin)
			fillRamp(x.Data, 1.3)
			y, sum, out, short := NewTensor(1, h, w, f), NewTensor(1, h, w, f), NewTensor(1, h, w, f), NewTensor(1, h, w, f)
			fillRamp(short.Data, 0.83)
			const stale = 1e6 // y before the pass: a value no output takes
			for i := range y.Data {
				y.Data[i] = stale
			}
			if !l.pointwiseOK() {
				t.Fatal("the 1×1 path is not taken")
			}
			act := &interleaveReLU{ReLU: NewReLU(0, 0, 0)}
			calls := 0
			l.pw.fn = interleaveItems(&act.interleaveAct, items, first, l.pointwiseItemRes, &calls)
			l.forwardResidual(y, sum, out, short, x, nil, act)
			if pw := &l.pw; pw.groups != 2 || pw.chunks != 2 || pw.gw != 128 || calls != items {
				t.Fatalf("%d chunks × %d groups of %d channels, %d items; expected 2 × 2 groups of 128, %d items", pw.chunks, pw.groups, pw.gw, calls, items)
			}
			if act.between != nil {
				t.Fatal("the activation was not called")
			}
			if !l.res.done.Load() {
				t.Fatal("the items did not compute the Add")
			}
			for i, v := range y.Data {
				if v == stale {
					t.Fatalf("output value %d not written", i)
				}
				s := v + short.Data[i]
				if sum.Data[i] != s {
					t.Fatalf("pixel %d, channel %d: sum %v, expected %v + %v", i/f, i%f, sum.Data[i], v, short.Data[i])
				}
				if want := max(s, 0); out.Data[i] != want {
					t.Fatalf("pixel %d, channel %d: activation %v, expected ReLU(%v) = %v", i/f, i%f, out.Data[i], s, want)
				}
			}
		})
	}
}
