package nn

import (
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"
)

// BenchmarkSplitResNet18Nodes times every node of ResNet-18 (one 224×224
// image, inference, PackWeights) with 1 and with 2 workers, alternating
// image by image in one process, so that a shared machine's load hits both
// alike. It logs each node's median wall time per worker count and the
// speed-up, and reports the whole pass's median wall time for each
// (wall1-ms/op, wall2-ms/op). Needs GOMAXPROCS ≥ 2 for the 2-worker half.
// SPLIT_ONLY=1 or 2 runs one worker count only, back to back as in a
// forward pass (the alternation parks the helper before every 2-worker
// pass, which slows its first nodes). SPLIT_MODEL=mobilenetv2 times
// MobileNetV2 (mobileNetV2) instead.
//
//	GOMAXPROCS=2 go test -tags ci ./nn/ -run XXX -bench SplitResNet18Nodes -benchtime 40x -v
func BenchmarkSplitResNet18Nodes(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs GOMAXPROCS ≥ 2")
	}
	g := resNet18(b, false)
	if os.Getenv("SPLIT_MODEL") == "mobilenetv2" {
		g = mobileNetV2(b)
	}
	x := NewTensor(1, 224, 224, 3)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
	engines := [2]Engine{{PackWeights: true, Workers: 1}, {PackWeights: true, Workers: 2}}
	for _, e := range engines {
		g.SetEngine(e)
		g.Forward(x, false)
	}
	var per [2][][]time.Duration // [engine][node][image]
	for k := range per {
		per[k] = make([][]time.Duration, len(g.order))
	}
	var total [2][]time.Duration
	only := os.Getenv("SPLIT_ONLY")
	passes := 0
	c0 := cpuTime()
	for b.Loop() {
		for k, e := range engines {
			if only != "" && only != fmt.Sprint(e.Workers) {
				continue
			}
			g.SetEngine(e)
			passes++
			t0 := time.Now()
			for i, n := range g.order {
				c0 := time.Now()
				switch {
				case n.fusedInto != nil:
				case n.merge != nil:
					for j, src := range n.in {
						n.xs[j] = src.out
					}
					n.merge.ForwardMerge(n.out, n.xs, false)
				default:
					n.layer.Forward(n.out, n.in[0].out, false)
				}
				per[k][i] = append(per[k][i], time.Since(c0))
			}
			total[k] = append(total[k], time.Since(t0))
		}
	}
	cpu := cpuTime() - c0
	ms := func(d time.Duration) float64 { return d.Seconds() * 1e3 }
	b.ReportMetric(ms(cpu)/float64(passes), "cpu-ms/pass")
	var log strings.Builder
	for i, n := range g.order {
		desc := ""
		if c, ok := n.layer.(*Conv2D); ok {
			desc = fmt.Sprintf("%dx%dx%d→%d %dx%d/%d", c.g.h, c.g.w, c.g.c, c.filters, c.g.kh, c.g.kw, c.g.sh)
		}
		m1, m2 := median(per[0][i]), median(per[1][i])
		f1, f2 := fastest(per[0][i]), fastest(per[1][i])
		fmt.Fprintf(&log, "\n%-12s %-24s median %7.3f %7.3f ms %5.2f×  fastest %7.3f %7.3f ms %5.2f×", n.name, desc,
			ms(m1), ms(m2), float64(m1)/float64(max(m2, 1)), ms(f1), ms(f2), float64(f1)/float64(max(f2, 1)))
	}
	b.Logf("median wall per node, 1 and 2 workers:%s", log.String())
	b.ReportMetric(ms(median(total[0])), "wall1-ms/op")
	b.ReportMetric(ms(median(total[1])), "wall2-ms/op")
	b.ReportMetric(ms(fastest(total[0])), "fastest1-ms")
	b.ReportMetric(ms(fastest(total[1])), "fastest2-ms")
}

// fastest returns the least of ds, sorted by median (0 for none).
func fastest(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	return ds[0]
}

// median returns the median of ds (sorting ds).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// BenchmarkSplitTutorial is BenchmarkActivations (the tutorial model,
// every layer's output for one image, the default Engine) reporting the
// median and the fastest image's wall time besides the CPU time, for A/B
// runs of two builds on a shared machine, where a mean is the load's.
//
//	GOMAXPROCS=2 go test -tags ci ./nn/ -run XXX -bench SplitTutorial -benchtime 300x
func BenchmarkSplitTutorial(b *testing.B) {
	m, err := ReferenceModel()
	if err != nil {
		b.Fatal(err)
	}
	x := referenceInput(1)
	m.Activations(x)
	var ds []time.Duration
	c := startCPU()
	for b.Loop() {
		t0 := time.Now()
		m.Activations(x)
		ds = append(ds, time.Since(t0))
	}
	c.report(b, 1)
	b.ReportMetric(median(ds).Seconds()*1e3, "median-ms")
	b.ReportMetric(fastest(ds).Seconds()*1e3, "fastest-ms")
}
