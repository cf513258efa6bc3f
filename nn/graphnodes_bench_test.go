package nn

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// BenchmarkGraphNodes times every node of each graph file
// (.safetensors) in CONVSCOPE_GRAPH_DIR (GRAPH_MODEL=name picks one), one
// image at inference with PackWeights, exactly as Graph.Forward runs them
// (fused pools and activations included), and logs each node's median wall
// and process CPU µs (all threads: a second worker's hand-off and spin
// count) with its share of the pass. Its engine uses GRAPH_WORKERS workers
// (default: the Engine's); GRAPH_LEAN=1 runs the nodes into Predict's
// reused buffers instead of Forward's kept outputs. Make the files with internal/onnx's
// TestSaveImportedGraphs:
//
//	CONVSCOPE_GRAPH_DIR=DIR GOMAXPROCS=2 go test -tags ci ./nn/ -run XXX -bench GraphNodes -benchtime 100x -v
func BenchmarkGraphNodes(b *testing.B) {
	forEachGraphFile(b, func(b *testing.B, f string) {
		defer func(old bool) { hugeArena = old }(hugeArena)
		hugeArena = os.Getenv("GRAPH_HUGE") != "0"
		g, e, x := loadBenchGraph(b, f)
		g.Forward(x, false)
		if os.Getenv("GRAPH_LEAN") != "" { // Predict's reused buffers (graph_lean.go)
			g.Predict(x)
		}
		// GRAPH_AB_ONLY=huge: the old passes run a second copy of the
		// graph whose outputs are ordinary memory (hugeArena off), loaded
		// second (GRAPH_HUGE_SWAP: the huge-page copy loaded second).
		gs := [2]*Graph{g, g}
		if os.Getenv("GRAPH_AB_ONLY") == "huge" {
			k := 0
			if os.Getenv("GRAPH_HUGE_SWAP") != "" {
				k = 1
				gs[0] = g
			}
			hugeArena = k == 1
			var err error
			gs[k], _, err = LoadGraphFile(f)
			if err != nil {
				b.Fatal(err)
			}
			gs[k].SetEngine(e)
			gs[k].Forward(x, false)
			hugeArena = true
		}
		// GRAPH_AB_ONLY=huge2: one graph, its outputs swapped between the
		// huge-page arena (new) and a plain one (old) before each pass.
		var outs [2][]*Tensor
		if os.Getenv("GRAPH_AB_ONLY") == "huge2" {
			total := 0
			for _, n := range g.order {
				total += arenaStep(len(n.out.Data))
				outs[1] = append(outs[1], n.out)
			}
			plain := make([]float32, total)
			for _, n := range g.order {
				outs[0] = append(outs[0], arenaTensor(&plain, n.out.Shape))
			}
		}
		// GRAPH_AB=1: passes alternate between this session's fast paths
		// off (k = 0) and on (k = 1), old, new, new, old.
		ab := os.Getenv("GRAPH_AB") != ""
		var wall, cpu [2][][]time.Duration
		var total, totalCPU [2][]time.Duration
		for k := range wall {
			wall[k] = make([][]time.Duration, len(g.order))
			cpu[k] = make([][]time.Duration, len(g.order))
		}
		pass := func(k int) {
			setFastPaths(k == 1)
			g.inNode.out = x
			t0, c0 := time.Now(), cpuTime()
			for i, n := range g.order {
				w, c := time.Now(), cpuTime()
				runNodeForBench(n)
				cpu[k][i] = append(cpu[k][i], cpuTime()-c)
				wall[k][i] = append(wall[k][i], time.Since(w))
			}
			total[k] = append(total[k], time.Since(t0))
			totalCPU[k] = append(totalCPU[k], cpuTime()-c0)
		}
		defer setFastPaths(true)
		for i := 0; b.Loop(); i++ {
			switch {
			case !ab:
				pass(1)
			case i%2 == 0:
				pass(0)
				pass(1)
			default:
				pass(1)
				pass(0)
			}
		}
		us := func(d time.Duration) float64 { return float64(d) / 1e3 }
		tc := [2]time.Duration{median(totalCPU[0]), median(totalCPU[1])}
		var log strings.Builder
		for i, n := range g.order {
			mw, mc := median(wall[1][i]), median(cpu[1][i])
			if mw < 2*time.Microsecond && mc < 2*time.Microsecond {
				continue
			}
			fmt.Fprintf(&log, "\n%-28s %-30s wall %8.1f  cpu %8.1f µs  %4.1f%%", trimName(n.name), nodeDesc(n), us(mw), us(mc), 100*float64(mc)/float64(tc[1]))
			if ab {
				fmt.Fprintf(&log, "  old: wall %8.1f  cpu %8.1f µs", us(median(wall[0][i])), us(median(cpu[0][i])))
			}
		}
		b.Logf("median per node:%s", log.String())
		b.ReportMetric(float64(median(total[1]))/1e6, "wall-ms")
		b.ReportMetric(float64(tc[1])/1e6, "cpu-ms")
		if ab {
			b.ReportMetric(float64(median(total[0]))/1e6, "old-wall-ms")
			b.ReportMetric(float64(tc[0])/1e6, "old-cpu-ms")
			b.ReportMetric(float64(tc[1])/float64(tc[0]), "new/old-cpu")
		}
	})
}

// setFastPaths turns this session's (perfmob's) fast paths on or off.
// GRAPH_AB_ONLY=name compares that path alone (the others stay on).
func setFastPaths(on bool) {
	only := os.Getenv("GRAPH_AB_ONLY")
	pointwiseFast = on || only != "" && only != "pointwise"
	dw3x3Tile = 4
	if !on && (only == "" || only == "dwtile") {
		dw3x3Tile = dwTilePixels
	}
}

// runNodeForBench runs one node as Graph.Forward does at inference.
func runNodeForBench(n *node) {
	switch {
	case n.fusedInto != nil:
	case n.actFrom != nil && actFusion:
	case n.actInto != nil && actFusion:
		n.layer.(*Conv2D).forwardAct(n.out, n.actInto.out, n.in[0].out, n.actInto.layer.(rowActivation), n.actInto.layer)
	case n.fusedPool != nil:
		n.fuser.forwardPooled(n.out, n.fusedPool.out, n.in[0].out, n.fusedPool.layer.(*MaxPooling2D), false)
	case n.merge != nil:
		for i, src := range n.in {
			n.xs[i] = src.out
		}
		n.merge.ForwardMerge(n.out, n.xs, false)
	default:
		n.layer.Forward(n.out, n.in[0].out, false)
	}
}

// trimName shortens an imported node name to its last 28 characters.
func trimName(s string) string {
	if len(s) > 28 {
		return s[len(s)-28:]
	}
	return s
}

// nodeDesc describes a node's layer and output shape for the log.
func nodeDesc(n *node) string {
	if c, ok := n.layer.(*Conv2D); ok {
		kind := "conv"
		if c.depthwise {
			kind = "dw"
		}
		return fmt.Sprintf("%s %dx%dx%d→%d %dx%d/%d %s", kind, c.g.h, c.g.w, c.g.c, c.filters, c.g.kh, c.g.kw, c.g.sh, c.act)
	}
	k := ""
	if n.layer != nil {
		k = n.layer.Kind()
	} else if n.merge != nil {
		k = fmt.Sprintf("%T", n.merge)
	}
	return fmt.Sprintf("%s %v", k, n.shape)
}
