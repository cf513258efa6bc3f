package nn

import (
	"strings"
	"testing"
)

// TestOptimizerStateIterations: a fresh optimizer's state (no slots, 0
// iterations) restores into any optimizer of the same kind and resets it;
// a negative iteration count is an error.
func TestOptimizerStateIterations(t *testing.T) {
	params := []*Param{newParam("kernel", 2, 3)}
	for _, opt := range []StatefulOptimizer{NewAdam(0), NewRMSprop(0), NewSGD(0)} {
		fresh := opt.State()
		if fresh.Iterations != 0 || len(fresh.Slots) != 0 {
			t.Fatalf("%s: fresh state %+v", fresh.Name, fresh)
		}
		if err := opt.SetState(params, fresh); err != nil {
			t.Errorf("%s: restoring a fresh state: %v", fresh.Name, err)
		}
		if st := opt.State(); st.Iterations != 0 {
			t.Errorf("%s: %d iterations after restoring a fresh state", fresh.Name, st.Iterations)
		}
		bad := fresh
		bad.Iterations = -1
		err := opt.SetState(params, bad)
		if err == nil || !strings.Contains(err.Error(), "iterations must not be negative, received -1") {
			t.Errorf("%s: negative iterations: %v", fresh.Name, err)
		}
	}
}
