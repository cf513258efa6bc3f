package nn

import (
	"fmt"
	"testing"
)

// interleaveAct is a rowActivation (ReLU) that replays, on one goroutine,
// what a second worker may do while a work item computes its fused
// activation: at its first call it reads its input rows, then runs
// between (another work item, to its end), then writes its output from
// the values it read.
type interleaveAct struct {
	between func()
}

func (r *interleaveAct) actRows(y, x []float32) {
	in := append([]float32(nil), x...)
	if run := r.between; run != nil {
		r.between = nil
		run()
	}
	for i, v := range in {
		y[i] = max(v, 0)
	}
}

// TestPointwiseActInterleaved checks that each work item of the 1×1 path
// computes the fused activation of its own column group only: an item
// whose activation read the channels of another group of the same pixels
// would read them before that group had computed them, and, with that
// group's item run to its end in between (on another worker: both items
// run at once), would write the activation of stale values over the
// right ones. Run concurrently that is a data race, visible only now and
// then; here a hook on the path's work-item function (pwState.fn, which
// forwardPointwise keeps when set) runs the two column groups of each
// chunk in a fixed interleaving on one goroutine — the first group's item,
// and in the middle of its first actRows call, between the read and the
// write, the second group's item — in both orders. Whatever the order,
// every value of the activation node's output must be the activation of
// the final convolution output.
//
// It kills the two mutants at pointwise_conv.go:180 (`j0 == 0 && j1 ==
// f` → `j0 != 0 && …`: the last group takes whole rows; `… && j1 != f`:
// the first group does), which survived every run without the hook
// (TESTING.md: a race).
func TestPointwiseActInterleaved(t *testing.T) {
	const h, w, cin, f = 12, 12, 16, 192 // 2 chunks × 2 groups of 128, 64 channels (TestPointwiseWorkItems)
	for _, firstGroup := range []int{0, 1} {
		t.Run(fmt.Sprintf("group %d interrupted by group %d", firstGroup, 1-firstGroup), func(t *testing.T) {
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
			y, a := NewTensor(1, h, w, f), NewTensor(1, h, w, f)
			const stale = 1e6 // y before the pass: a value no output takes
			for i := range y.Data {
				y.Data[i] = stale
			}
			if !l.pointwiseOK() {
				t.Fatal("the 1×1 path is not taken")
			}
			act := &interleaveAct{}
			done := map[int]bool{}
			l.pw.fn = func(worker, item int) {
				if done[item] {
					return
				}
				pw := &l.pw
				if pw.groups != 2 || pw.chunks != 2 {
					t.Fatalf("%d chunks × %d groups, expected 2 × 2", pw.chunks, pw.groups)
				}
				chunk := item / pw.groups
				first, second := chunk*pw.groups+firstGroup, chunk*pw.groups+1-firstGroup
				done[first], done[second] = true, true
				act.between = func() { l.pointwiseItem(worker, second) }
				l.pointwiseItem(worker, first)
				if act.between != nil {
					t.Fatal("the activation was not called")
				}
			}
			l.forwardAct(y, a, x, act, nil)
			if len(done) != 4 {
				t.Fatalf("%d work items run, expected 4", len(done))
			}
			for i, v := range y.Data {
				if v == stale {
					t.Fatalf("output value %d not written", i)
				}
				if want := max(v, 0); a.Data[i] != want {
					t.Fatalf("pixel %d, channel %d: activation %v, expected ReLU(%v) = %v", i/f, i%f, a.Data[i], v, want)
				}
			}
		})
	}
}

// fillRamp fills v with values in [-1, 1) that follow no short period.
func fillRamp(v []float32, step float32) {
	s := float32(0)
	for i := range v {
		s += step
		s -= 2 * float32(int(s+1)/2)
		v[i] = s
	}
}
