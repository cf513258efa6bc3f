package nn

import (
	"os"
	"testing"
	"time"
)

// BenchmarkPredictAB times, image by image, Graph.Activations (every
// node's output kept: the grid's pass) and Graph.Predict (reused buffers,
// graph_lean.go) on each graph file in CONVSCOPE_GRAPH_DIR (GRAPH_MODEL
// picks one), alternating activations, predict, predict, activations, and
// reports the medians' wall and process CPU ms of both and their ratio.
// With GRAPH_WORKERS the engine uses that many workers; PREDICT_AB=ends
// compares Predict with parallelFor's two-ended hand-out off (the "acts"
// figures) and on.
//
//	CONVSCOPE_GRAPH_DIR=DIR GOMAXPROCS=2 go test -tags ci ./nn/ -run XXX -bench PredictAB -benchtime 100x
func BenchmarkPredictAB(b *testing.B) {
	forEachGraphFile(b, func(b *testing.B, f string) {
		g, _, x := loadBenchGraph(b, f)
		g.Activations(x)
		g.Predict(x)
		var wall, cpu [2][]time.Duration
		// PREDICT_AB=ends: both sides Predict, the old one with
		// parallelFor's single-counter hand-out (parallel_ends.go).
		ab := os.Getenv("PREDICT_AB")
		ends := ab != ""
		defer func(old bool, w int) { twoEnded, winoSmallTiles = old, w }(twoEnded, winoSmallTiles)
		pass := func(k int) {
			switch ab {
			case "ends":
				twoEnded = k == 1
			case "wino49": // Winograd from 49 tiles (13×13) for small kernels (winograd_small.go)
				winoSmallTiles = 1 << 30
				if k == 1 {
					winoSmallTiles = 49
				}
			}
			t0, c0 := time.Now(), cpuTime()
			if k == 0 && !ends {
				g.Activations(x)
			} else {
				g.Predict(x)
			}
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
		b.ReportMetric(ms(median(cpu[0])), "acts-cpu-ms")
		b.ReportMetric(ms(median(cpu[1])), "predict-cpu-ms")
		b.ReportMetric(ms(median(wall[0])), "acts-wall-ms")
		b.ReportMetric(ms(median(wall[1])), "predict-wall-ms")
		b.ReportMetric(float64(median(cpu[0]))/float64(median(cpu[1])), "acts/predict-cpu")
	})
}
