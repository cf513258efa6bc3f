package nn

import (
	"math/rand"
	"testing"
	"time"
)

// BenchmarkMaxPoolResNet times ResNet-18's max pool (3×3, stride 2, pad 1,
// 112×112×64 → 56×56×64) on one image, inference, with the CPU time per
// image (cpu-ms/op) beside the wall time: path=3x3 is the 3×3 path
// (pool3.go), path=general the per-pixel path it replaces, in one
// binary.
func BenchmarkMaxPoolResNet(b *testing.B) {
	for _, path := range []string{"3x3", "general"} {
		b.Run("path="+path, func(b *testing.B) {
			l := NewMaxPooling2D(3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1))
			out, err := l.Build([]int{112, 112, 64})
			if err != nil {
				b.Fatal(err)
			}
			var e Engine
			e.opts.pool3Off = path == "general"
			l.setEngine(e)
			x := NewTensor(1, 112, 112, 64)
			fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
			y := NewTensor(append([]int{1}, out...)...)
			l.Forward(y, x, false)
			m := startCPU()
			for b.Loop() {
				l.Forward(y, x, false)
			}
			m.report(b, 1)
		})
	}
}

// BenchmarkResNet18Pool runs ResNet-18 (one 224×224 image, inference,
// PackWeights) node by node in network order, as BenchmarkResNet18Layers,
// so the max pool meets its input as in a forward pass (just written by the
// stem), and reports the max pool's CPU time (pool-cpu-ms/op) and the whole
// pass's (cpu-ms/op), with the 3×3 path and without it.
func BenchmarkResNet18Pool(b *testing.B) {
	g := resNet18(b, false)
	x := NewTensor(1, 224, 224, 3)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
	for _, path := range []string{"3x3", "general"} {
		b.Run("path="+path, func(b *testing.B) {
			e := Engine{PackWeights: true}
			e.opts.pool3Off = path == "general"
			g.SetEngine(e)
			g.Forward(x, false)
			var pool, all time.Duration
			for b.Loop() {
				for _, n := range g.order {
					c0 := cpuTime()
					switch {
					case n.fusedInto != nil:
					case n.merge != nil:
						for k, src := range n.in {
							n.xs[k] = src.out
						}
						n.merge.ForwardMerge(n.out, n.xs, false)
					default:
						n.layer.Forward(n.out, n.in[0].out, false)
					}
					d := cpuTime() - c0
					all += d
					if _, ok := n.layer.(*MaxPooling2D); ok {
						pool += d
					}
				}
			}
			b.ReportMetric(pool.Seconds()*1e3/float64(b.N), "pool-cpu-ms/op")
			b.ReportMetric(all.Seconds()*1e3/float64(b.N), "cpu-ms/op")
		})
	}
}
