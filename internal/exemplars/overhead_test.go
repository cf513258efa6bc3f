package exemplars

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/convscope/convscope/nn"
)

// BenchmarkObserveOverhead measures what gathering exemplars during a
// validation pass costs: each round runs the batch's forward pass alone and
// the forward pass followed by one scan of every map per image, and the
// metrics are the second's extra time as a percentage of the first (issue
// #15's budget: ≤ 10 %), in process CPU time (%-of-forward), which unlike
// wall time does not depend on what else the machine runs, and in wall
// time (%-wall, meaningful on a quiet machine). Timing whole rounds rather
// than the scan alone matters: after a forward pass the engine's helper
// thread keeps spinning for the next job (nn/parallel.go) and that CPU
// would otherwise be billed to whatever runs next. The first round, which
// fills every list, is a warm-up. Gathering now takes each pooled map's
// block maxima from the forward pass (nn.Sequential.SetPoolMaxima); the
// "-old" metrics are the previous way, a scan of the maps after the pass
// and the previous search for the maximum's position (legacyFirst:
// firstEqual), alternated with the new one in every round, so both see
// the same load. %-of-forward-median is the median over rounds of each
// round's share, which a burst of load in a few rounds does not move.
// A benchmark, not a test: timings are not
// pass/fail criteria (under the race detector the scan's share roughly
// doubles).
//
//	go test -tags ci ./internal/exemplars/ -run XXX -bench ObserveOverhead -benchtime 40x
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
	observe := func() {
		for i := range names {
			names[i] = fmt.Sprint("image ", round*batch+i)
		}
		round++
		c.Observe(m.Net.Outputs(), names)
	}
	m.Net.Forward(x, false)
	observe() // warm-up: fills every list
	var alone, with, old, obs float64
	var wallAlone, wallWith, wallOld time.Duration
	var rounds []float64 // each round's extra CPU time with exemplars, per forward's
	defer func() { legacyFirst = false }()
	for b.Loop() {
		m.Net.SetPoolMaxima(false) // a validation pass without exemplars
		w0, t0 := time.Now(), cpuSeconds()
		m.Net.Forward(x, false)
		w1, t1 := time.Now(), cpuSeconds()
		m.Net.SetPoolMaxima(true) // maxima in the forward pass
		m.Net.Forward(x, false)
		tm := cpuSeconds()
		observe()
		w2, t2 := time.Now(), cpuSeconds()
		obs += t2 - tm
		m.Net.SetPoolMaxima(false) // before: a scan of the maps after the pass
		legacyFirst = true
		m.Net.Forward(x, false)
		observe()
		legacyFirst = false
		w3, t3 := time.Now(), cpuSeconds()
		alone, with, old = alone+t1-t0, with+t2-t1, old+t3-t2
		rounds = append(rounds, (t2-t1-(t1-t0))/(t1-t0))
		wallAlone, wallWith, wallOld = wallAlone+w1.Sub(w0), wallWith+w2.Sub(w1), wallOld+w3.Sub(w2)
	}
	b.ReportMetric(100*(with-alone)/alone, "%-of-forward")
	sort.Float64s(rounds)
	b.ReportMetric(100*rounds[len(rounds)/2], "%-of-forward-median")
	b.ReportMetric(100*float64(wallWith-wallAlone)/float64(wallAlone), "%-wall")
	b.ReportMetric(100*(old-alone)/alone, "%-of-forward-old")
	b.ReportMetric(100*float64(wallOld-wallAlone)/float64(wallAlone), "%-wall-old")
	b.ReportMetric(1e3*alone/float64(b.N), "forward-cpu-ms/op")
	b.ReportMetric(1e3*obs/float64(b.N), "observe-cpu-ms/op")
}

// BenchmarkObserveAlone is one Observe of a batch of 8 outputs of the
// default model (no forward pass), new and old position search alternated
// (cpu-ms/op each): what the scan itself costs.
func BenchmarkObserveAlone(b *testing.B) {
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
	m.Net.Forward(x, false)
	names := make([]string, batch)
	round := 0
	observe := func() {
		for i := range names {
			names[i] = fmt.Sprint("image ", round*batch+i)
		}
		round++
		c.Observe(m.Net.Outputs(), names)
	}
	observe()
	defer func() { legacyFirst = false }()
	var cpuNew, cpuOld float64
	for b.Loop() {
		t0 := cpuSeconds()
		observe()
		t1 := cpuSeconds()
		src := c.src
		legacyFirst, c.src = true, nil // the maps scanned after the pass
		observe()
		legacyFirst, c.src = false, src
		cpuNew, cpuOld = cpuNew+t1-t0, cpuOld+cpuSeconds()-t1
	}
	b.ReportMetric(1e3*cpuNew/float64(b.N), "cpu-ms/op")
	b.ReportMetric(1e3*cpuOld/float64(b.N), "cpu-ms/op-old")
}
