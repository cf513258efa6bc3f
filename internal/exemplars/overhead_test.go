package exemplars

import (
	"fmt"
	"testing"

	"github.com/convscope/convscope/nn"
)

// BenchmarkObserveOverhead measures what gathering exemplars during a
// validation pass costs: one scan of every map per image, reported as a
// percentage of the pass's forward work (issue #15's budget: ≤ 10 %). Both
// are measured in process CPU time, which unlike wall time does not depend
// on what else the machine runs; the first round, which fills every list,
// is a warm-up. A benchmark, not a test: timings are not pass/fail
// criteria (under the race detector the scan's share roughly doubles).
//
//	go test -tags ci ./internal/exemplars/ -run XXX -bench ObserveOverhead -benchtime 5x
func BenchmarkObserveOverhead(b *testing.B) {
	if cpuSeconds() == 0 {
		b.Skip("no CPU time on this system")
	}
	m := defaultModel(b)
	c, _ := NewCollector(m.Net, nil, DefaultTop)
	const batch = 8
	x := nn.NewTensor(append([]int{batch}, m.Net.InputShape()...)...)
	for i := range x.Data {
		x.Data[i] = float32(i%251) / 251
	}
	names := make([]string, batch)
	round := 0
	observe := func() (fwd, obs float64) {
		t0 := cpuSeconds()
		m.Net.Forward(x, false)
		t1 := cpuSeconds()
		for i := range names {
			names[i] = fmt.Sprint("image ", round*batch+i)
		}
		round++
		c.Observe(m.Net.Outputs(), names)
		return t1 - t0, cpuSeconds() - t1
	}
	observe() // warm-up: fills every list
	var fwd, obs float64
	for b.Loop() {
		f, o := observe()
		fwd, obs = fwd+f, obs+o
	}
	b.ReportMetric(100*obs/fwd, "%-of-forward")
}
