package nn

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"
)

// BenchmarkConv3x3 times one image (batch 1, inference, PackWeights) through
// the 3×3 stride-1 convolutions of the tutorial model (valid, ReLU) and of
// ResNet-18 (padding 1), on the Winograd paths and on the direct path, with
// the CPU time per image (cpu-ms/op) beside the wall time.
func BenchmarkConv3x3(b *testing.B) {
	for _, s := range []struct {
		name         string
		h, cin, f, p int
	}{
		{"tutorial2_74x32-64", 74, 32, 64, 0},
		{"tutorial3_36x64-128", 36, 64, 128, 0},
		{"tutorial4_17x128-128", 17, 128, 128, 0},
		{"resnet_56x64", 56, 64, 64, 1},
		{"resnet_28x128", 28, 128, 128, 1},
		{"resnet_14x256", 14, 256, 256, 1},
		{"resnet_7x512", 7, 512, 512, 1},
	} {
		for _, path := range []string{"F4", "F2", "direct"} {
			b.Run(fmt.Sprintf("%s/%s", s.name, path), func(b *testing.B) {
				c := NewConv2D(s.f, 3, 3, WithPads(s.p, s.p, s.p, s.p), WithActivation("relu"))
				out, err := c.Build([]int{s.h, s.h, s.cin})
				if err != nil {
					b.Fatal(err)
				}
				c.Init(rand.New(rand.NewSource(1)))
				e := Engine{PackWeights: true}
				e.opts.winogradOff, e.opts.winogradF4 = path == "direct", path == "F4"
				c.setEngine(e)
				defer allTiles()()
				x := NewTensor(1, s.h, s.h, s.cin)
				fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
				y := NewTensor(append([]int{1}, out...)...)
				c.Forward(y, x, false)
				m := startCPU()
				for b.Loop() {
					c.Forward(y, x, false)
				}
				m.report(b, 1)
			})
		}
	}
}

// BenchmarkResNet18Winograd times ResNet-18 (one 224×224 image, inference,
// PackWeights) with and without the Winograd path, in one binary, for A/B
// comparisons on a shared machine.
func BenchmarkResNet18Winograd(b *testing.B) {
	g := resNet18(b, false)
	x := NewTensor(1, 224, 224, 3)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
	for _, path := range []string{"winograd", "direct"} {
		b.Run(path, func(b *testing.B) {
			e := Engine{PackWeights: true}
			e.opts.winogradOff = path == "direct"
			g.SetEngine(e)
			g.Forward(x, false)
			m := startCPU()
			for b.Loop() {
				g.Forward(x, false)
			}
			m.report(b, 1)
		})
	}
}

// BenchmarkResNet18Layers times every node of ResNet-18 (one 224×224
// image, inference, PackWeights) on its own, in network order, so that each
// layer meets the caches as it does in a forward pass, with and without the
// Winograd path. It reports the CPU time of the 3×3 stride-1 convolutions
// (conv3x3-cpu-ms/op) and of all nodes (cpu-ms/op), and logs the CPU time of
// each node (go test -v).
func BenchmarkResNet18Layers(b *testing.B) {
	g := resNet18(b, false)
	x := NewTensor(1, 224, 224, 3)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
	for _, path := range []string{"winograd", "direct"} {
		b.Run(path, func(b *testing.B) {
			e := Engine{PackWeights: true}
			e.opts.winogradOff = path == "direct"
			g.SetEngine(e)
			g.Forward(x, false)
			per := make([]time.Duration, len(g.order))
			for b.Loop() {
				for i, n := range g.order {
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
					per[i] += cpuTime() - c0
				}
			}
			var all, conv time.Duration
			var log strings.Builder
			for i, n := range g.order {
				all += per[i]
				desc := ""
				if c, ok := n.layer.(*Conv2D); ok {
					desc = fmt.Sprintf("%dx%dx%d→%d %dx%d/%d F%d", c.g.h, c.g.w, c.g.c, c.filters, c.g.kh, c.g.kw, c.g.sh, c.winoTile(false))
					if c.g.kh == 3 && c.g.sh == 1 {
						conv += per[i]
					}
				}
				fmt.Fprintf(&log, "\n%-12s %-28s %6.3f ms", n.name, desc, per[i].Seconds()*1e3/float64(b.N))
			}
			b.Logf("CPU time per node:%s", log.String())
			b.ReportMetric(conv.Seconds()*1e3/float64(b.N), "conv3x3-cpu-ms/op")
			b.ReportMetric(all.Seconds()*1e3/float64(b.N), "cpu-ms/op")
		})
	}
}

// BenchmarkActivationsWinograd is BenchmarkActivations (the tutorial model,
// every layer's output for one image, the default Engine) with and without
// the Winograd path, in one binary, for A/B comparisons on a shared machine.
func BenchmarkActivationsWinograd(b *testing.B) {
	m, err := ReferenceModel()
	if err != nil {
		b.Fatal(err)
	}
	x := referenceInput(1)
	for _, path := range []string{"winograd", "direct"} {
		b.Run(path, func(b *testing.B) {
			var e Engine
			e.opts.winogradOff = path == "direct"
			m.SetEngine(e)
			m.Activations(x)
			c := startCPU()
			for b.Loop() {
				m.Activations(x)
			}
			c.report(b, 1)
		})
	}
}
