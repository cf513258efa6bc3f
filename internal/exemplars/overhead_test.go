package exemplars

import (
	"fmt"
	"testing"

	"github.com/convscope/convscope/nn"
)

// Gathering exemplars during a validation pass costs one scan of every map
// per image: at most 10 % of the pass's forward work (issue #15). Measured
// in process CPU time, which unlike wall time does not depend on what else
// the shared machine runs; the first round, which fills every list, is a
// warm-up.
func TestObserveOverhead(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	if cpuSeconds() == 0 {
		t.Skip("no CPU time on this system")
	}
	m := defaultModel(t)
	c, _ := NewCollector(m.Net, nil, DefaultTop)
	const batch, rounds = 8, 4
	x := nn.NewTensor(append([]int{batch}, m.Net.InputShape()...)...)
	for i := range x.Data {
		x.Data[i] = float32(i%251) / 251
	}
	names := make([]string, batch)
	var fwd, obs float64
	for r := range rounds + 1 {
		t0 := cpuSeconds()
		m.Net.Forward(x, false)
		t1 := cpuSeconds()
		for i := range names {
			names[i] = fmt.Sprint("image ", r*batch+i)
		}
		c.Observe(m.Net.Outputs(), names)
		t2 := cpuSeconds()
		if r > 0 {
			fwd, obs = fwd+t1-t0, obs+t2-t1
		}
	}
	ratio := obs / fwd
	t.Logf("%d batches of %d: forward %.3f CPU s, observe %.3f CPU s (%.1f %%)", rounds, batch, fwd, obs, 100*ratio)
	if ratio > 0.10 {
		t.Errorf("observing costs %.1f %% of the forward pass, want ≤ 10 %%", 100*ratio)
	}
}
