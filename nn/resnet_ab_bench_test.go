package nn

import (
	"fmt"
	"math/rand"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/convscope/convscope/nn/sgemm"
)

// abKnobs are the switches BenchmarkResNet18AB compares, by the value of
// RESNET_AB: each sets the engine or package state for side "on" (true)
// or "off" (false).
var abKnobs = map[string]func(e *Engine, on bool){
	"res":      func(_ *Engine, on bool) { resFusion = on },
	"prefetch": func(_ *Engine, on bool) { prefetchNext = on },
	"junk":     func(_ *Engine, on bool) { skipJunk = on },
	"reswino":  func(_ *Engine, on bool) { resWinograd = on },
	"s1x1":     func(e *Engine, on bool) { e.opts.strided1x1Off = !on },
	"pack4":    func(_ *Engine, on bool) { packAt4 = on },
	"pair":     func(_ *Engine, on bool) { sgemm.SetPairTiles(on) }, // branch perfres2
	"f4":       func(e *Engine, on bool) { e.opts.winogradF4 = on }, // branch perfres2
	"runs":     func(_ *Engine, on bool) { stridedRuns = on },       // branch perfres3
	"all": func(e *Engine, on bool) { // every knob above (branch perfres)
		resFusion, prefetchNext, skipJunk, packAt4 = on, on, on, on
		e.opts.strided1x1Off = !on
	},
}

// BenchmarkResNet18AB times ResNet-18 (one 224×224 image, inference,
// PackWeights) with a knob on and off (RESNET_AB, default "res": the
// residual Add + ReLU fused into the convolutions), alternating image by
// image in one process so that a shared machine's load hits both sides
// alike. It reports each side's median CPU and wall time per pass
// (on-cpu-ms, off-cpu-ms, on-wall-ms, off-wall-ms) and logs, per node, the
// median CPU time on each side (meaningful with GOMAXPROCS=1; a fused
// group's time is its Add's, the convolution and activation then show 0).
//
//	GOMAXPROCS=1 go test -tags ci ./nn/ -run XXX -bench ResNet18AB -benchtime 100x -v
func BenchmarkResNet18AB(b *testing.B) {
	knob := os.Getenv("RESNET_AB")
	if knob == "" {
		knob = "res"
	}
	set := abKnobs[knob]
	if set == nil {
		b.Fatalf("RESNET_AB=%q: no such knob", knob)
	}
	defer func(r, p, j, w, a, s bool) {
		resFusion, prefetchNext, skipJunk, resWinograd, packAt4, stridedRuns = r, p, j, w, a, s
	}(resFusion, prefetchNext, skipJunk, resWinograd, packAt4, stridedRuns)
	g := resNet18(b, false)
	x := NewTensor(1, 224, 224, 3)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
	var engs [2]Engine
	for k := range engs {
		engs[k] = Engine{PackWeights: true}
		set(&engs[k], k == 0)
		g.SetEngine(engs[k])
		g.Forward(x, false)
	}
	per := [2][][]time.Duration{make([][]time.Duration, len(g.order)), make([][]time.Duration, len(g.order))}
	var cpu, wall [2][]time.Duration
	for b.Loop() {
		for k := range engs {
			set(&engs[k], k == 0)
			g.SetEngine(engs[k])
			c0, t0 := cpuTime(), time.Now()
			forwardTimed(g, x, per[k])
			cpu[k] = append(cpu[k], cpuTime()-c0)
			wall[k] = append(wall[k], time.Since(t0))
		}
	}
	ms := func(d time.Duration) float64 { return d.Seconds() * 1e3 }
	var log strings.Builder
	for i, n := range g.order {
		fmt.Fprintf(&log, "\n%-28s on %7.3f  off %7.3f ms", n.name, ms(median(per[0][i])), ms(median(per[1][i])))
	}
	b.Logf("median CPU per node (%s on / off):%s", knob, log.String())
	b.ReportMetric(ms(median(cpu[0])), "on-cpu-ms")
	b.ReportMetric(ms(median(cpu[1])), "off-cpu-ms")
	b.ReportMetric(ms(median(wall[0])), "on-wall-ms")
	b.ReportMetric(ms(median(wall[1])), "off-wall-ms")
}

// forwardTimed is Graph.Forward at inference (as it dispatches nodes),
// adding each node's CPU time to per.
func forwardTimed(g *Graph, x *Tensor, per [][]time.Duration) {
	g.ensureBatch(x.Shape[0])
	g.inNode.out = x
	for i, n := range g.order {
		c0 := cpuTime()
		switch {
		case n.fusedInto != nil:
		case n.actFrom != nil && actFusion:
		case n.resSkip && resFusion:
		case n.resConv != nil && resFusion:
			g.forwardResNode(n)
		case n.actInto != nil && actFusion:
			n.layer.(*Conv2D).forwardAct(n.out, n.actInto.out, n.in[0].out, n.actInto.layer.(rowActivation), n.actInto.layer)
		case n.fusedPool != nil:
			n.fuser.forwardPooled(n.out, n.fusedPool.out, n.in[0].out, n.fusedPool.layer.(*MaxPooling2D), false)
		case n.merge != nil:
			for j, src := range n.in {
				n.xs[j] = src.out
			}
			n.merge.ForwardMerge(n.out, n.xs, false)
		default:
			n.layer.Forward(n.out, n.in[0].out, false)
		}
		per[i] = append(per[i], cpuTime()-c0)
	}
}
