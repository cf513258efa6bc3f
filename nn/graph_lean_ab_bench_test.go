package nn

import (
	"os"
	"testing"
	"time"
)

// BenchmarkLeanAB compares Graph.Predict with one of this branch's
// (perfmob3's) paths off (old) and on (new) on each graph file in
// CONVSCOPE_GRAPH_DIR (GRAPH_MODEL picks one): two copies of the graph in
// one process, each planned with its own setting, passes alternating old,
// new, new, old image by image; it reports the medians' process CPU and
// wall ms and new/old (LEAN_AB_SWAP=1: the copy loaded first runs the new
// path, to tell a copy's placement from the path). LEAN_AB names the path: cat (Concatenate inputs
// written in place, graph_lean_cat.go), gap (global average pools computed
// by their convolutions, conv2d_gapout.go), respw (residual Adds in the 1×1
// path's items, conv2d_pwres.go), all (the three).
//
//	LEAN_AB=cat CONVSCOPE_GRAPH_DIR=DIR GOMAXPROCS=2 go test -tags ci ./nn/ -run XXX -bench LeanAB -benchtime 200x
func BenchmarkLeanAB(b *testing.B) {
	ab := os.Getenv("LEAN_AB")
	set := func(on bool) {
		switch ab {
		case "cat":
			catFusion = on
		case "gap":
			gapFusion = on
		case "respw":
			resPWFusion = on
		case "all":
			catFusion, gapFusion, resPWFusion = on, on, on
		}
	}
	defer set(true)
	forEachGraphFile(b, func(b *testing.B, f string) {
		var gs [2]*Graph
		var x *Tensor
		for k := range gs {
			gs[k], _, x = loadBenchGraph(b, f)
		}
		if os.Getenv("LEAN_AB_SWAP") != "" { // the copy loaded first runs the new path
			gs[0], gs[1] = gs[1], gs[0]
		}
		for k := range gs {
			set(k == 1)
			gs[k].Predict(x)
		}
		var wall, cpu [2][]time.Duration
		pass := func(k int) {
			set(k == 1)
			t0, c0 := time.Now(), cpuTime()
			gs[k].Predict(x)
			cpu[k] = append(cpu[k], cpuTime()-c0)
			wall[k] = append(wall[k], time.Since(t0))
		}
		for i := 0; b.Loop(); i++ {
			if i%2 == 0 {
				pass(0)
				pass(1)
			} else {
				pass(1)
				pass(0)
			}
		}
		ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
		b.ReportMetric(ms(median(cpu[0])), "old-cpu-ms")
		b.ReportMetric(ms(median(cpu[1])), "new-cpu-ms")
		b.ReportMetric(ms(median(wall[0])), "old-wall-ms")
		b.ReportMetric(ms(median(wall[1])), "new-wall-ms")
		b.ReportMetric(float64(median(cpu[1]))/float64(median(cpu[0])), "new/old-cpu")
		b.ReportMetric(float64(median(wall[1]))/float64(median(wall[0])), "new/old-wall")
	})
}
