package nn

import (
	"fmt"
	"os"
	"testing"
	"time"
)

// predictKnobs are the switches BenchmarkPredictKnob compares (branch
// perfres3), by the value of PREDICT_KNOB: each sets side "on" (true) or
// "off" (false).
var predictKnobs = map[string]func(on bool){
	"stempool": func(on bool) { stemPoolFusion = on }, // conv_stem_pool.go
	"runs":     func(on bool) { stridedRuns = on },    // conv2d_prefetch.go: the strided path's pair tiles
	"cols8": func(on bool) { // column blocks per worker: 8 (on) against 4
		colItems = 4
		if on {
			colItems = 8
		}
	},
	"cols4": func(on bool) { // column blocks per worker: 4 (on) against 2
		colItems = 2
		if on {
			colItems = 4
		}
	},
	"stempool4": func(on bool) { // items per worker: 4 (on) against 2
		stemPoolItems = 2
		if on {
			stemPoolItems = 4
		}
	},
}

// BenchmarkPredictKnob times Graph.Predict on each graph file of
// CONVSCOPE_GRAPH_DIR (GRAPH_MODEL picks one) with the knob PREDICT_KNOB
// on and off, alternating pass by pass (on, off, off, on, …) in one
// process so that a loaded machine's noise hits both sides alike, and
// reports each side's median process CPU and wall ms per pass and the
// ratio of the CPU medians.
//
//	PREDICT_KNOB=stempool CONVSCOPE_GRAPH_DIR=DIR GRAPH_MODEL=resnet18 GOMAXPROCS=1 go test -tags ci ./nn/ -run XXX -bench PredictKnob -benchtime 60x
func BenchmarkPredictKnob(b *testing.B) {
	knob := os.Getenv("PREDICT_KNOB")
	set := predictKnobs[knob]
	if set == nil {
		b.Skipf("PREDICT_KNOB=%q: no such knob", knob)
	}
	defer func(v, r bool, k, c int) {
		stemPoolFusion, stridedRuns, stemPoolItems, colItems = v, r, k, c
	}(stemPoolFusion, stridedRuns, stemPoolItems, colItems)
	forEachGraphFile(b, func(b *testing.B, f string) {
		g, _, x := loadBenchGraph(b, f)
		for k := range 2 {
			set(k == 0)
			g.Predict(x)
		}
		var wall, cpu [2][]time.Duration
		pass := func(k int) {
			set(k == 0)
			t0, c0 := time.Now(), cpuTime()
			g.Predict(x)
			cpu[k] = append(cpu[k], cpuTime()-c0)
			wall[k] = append(wall[k], time.Since(t0))
		}
		for i := 0; b.Loop(); i++ {
			pass(i % 2)
			pass(1 - i%2)
		}
		ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
		b.ReportMetric(ms(median(cpu[0])), "on-cpu-ms")
		b.ReportMetric(ms(median(cpu[1])), "off-cpu-ms")
		b.ReportMetric(ms(median(wall[0])), "on-wall-ms")
		b.ReportMetric(ms(median(wall[1])), "off-wall-ms")
		b.ReportMetric(float64(median(cpu[0]))/float64(median(cpu[1])), "on/off-cpu")
	})
}

// BenchmarkStemPool times ResNet-18's stem and max pooling (the graph file
// resnet18 of CONVSCOPE_GRAPH_DIR) fused (conv_stem_pool.go) and as two
// nodes, alternating, with 48 MB read between passes (not timed) as the
// rest of a pass reads its weights, and reports each side's median CPU
// and wall µs.
//
//	CONVSCOPE_GRAPH_DIR=DIR GOMAXPROCS=1 go test -tags ci ./nn/ -run XXX -bench StemPool -benchtime 200x
func BenchmarkStemPool(b *testing.B) {
	forEachGraphFile(b, func(b *testing.B, f string) {
		g, _, x := loadBenchGraph(b, f)
		if v := os.Getenv("STEMPOOL_ITEMS"); v != "" { // items per worker
			defer func(k int) { stemPoolItems = k }(stemPoolItems)
			fmt.Sscan(v, &stemPoolItems)
		}
		g.Predict(x)
		n := g.order[0]
		if n.leanPool == nil || !n.leanRan {
			b.Skip("the first node is not a fused stem")
		}
		c, m := n.layer.(*Conv2D), n.leanPool
		p := m.layer.(*MaxPooling2D)
		junk := make([]float32, 12<<20)
		var sink float32
		var wall, cpu [2][]time.Duration
		pass := func(k int) {
			for i := 0; i < len(junk); i += 16 {
				sink += junk[i]
			}
			t0, c0 := time.Now(), cpuTime()
			if k == 0 {
				c.forwardStemPool(m.out, x, p)
			} else {
				c.Forward(n.out, x, false)
				p.Forward(m.out, n.out, false)
			}
			cpu[k] = append(cpu[k], cpuTime()-c0)
			wall[k] = append(wall[k], time.Since(t0))
		}
		for i := 0; b.Loop(); i++ {
			pass(i % 2)
			pass(1 - i%2)
		}
		us := func(d time.Duration) float64 { return float64(d) / 1e3 }
		b.ReportMetric(us(median(cpu[0])), "fused-cpu-µs")
		b.ReportMetric(us(median(cpu[1])), "two-cpu-µs")
		b.ReportMetric(us(median(wall[0])), "fused-wall-µs")
		b.ReportMetric(us(median(wall[1])), "two-wall-µs")
		b.ReportMetric(float64(sink), "sink")
	})
}
