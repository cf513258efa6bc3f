package nn

import (
	"fmt"
	"math/rand"
	"testing"
)

// mobileLayers are the convolutions of MobileNetV2's inverted-residual
// blocks at 224×224 (expansion 1×1 + ReLU6, depthwise 3×3 + ReLU6,
// projection 1×1, linear), one of each shape, and SqueezeNet 1.1's fire
// convolutions: the single-image layers whose 1- and 2-core costs the
// parallel loop's hand-off must not exceed.
var mobileLayers = []struct {
	name       string
	hw, cin    int
	filters, k int
	stride     int
	depthwise  bool
	act        string
}{
	{"expand_56x56_24to144", 56, 24, 144, 1, 1, false, "relu6"},
	{"dw_56x56x144_s1", 56, 144, 144, 3, 1, true, "relu6"},
	{"project_56x56_144to24", 56, 144, 24, 1, 1, false, "linear"},
	{"expand_28x28_32to192", 28, 32, 192, 1, 1, false, "relu6"},
	{"dw_28x28x192_s1", 28, 192, 192, 3, 1, true, "relu6"},
	{"project_28x28_192to32", 28, 192, 32, 1, 1, false, "linear"},
	{"expand_14x14_96to576", 14, 96, 576, 1, 1, false, "relu6"},
	{"dw_14x14x576_s1", 14, 576, 576, 3, 1, true, "relu6"},
	{"project_14x14_576to96", 14, 576, 96, 1, 1, false, "linear"},
	{"expand_7x7_160to960", 7, 160, 960, 1, 1, false, "relu6"},
	{"dw_7x7x960_s1", 7, 960, 960, 3, 1, true, "relu6"},
	{"project_7x7_960to160", 7, 960, 160, 1, 1, false, "linear"},
	{"fire_squeeze_27x27_256to32", 27, 256, 32, 1, 1, false, "relu"},
	{"fire_expand1_27x27_32to128", 27, 32, 128, 1, 1, false, "relu"},
	{"fire_squeeze_13x13_512to64", 13, 512, 64, 1, 1, false, "relu"},
	{"fire_expand1_13x13_64to256", 13, 64, 256, 1, 1, false, "relu"},
}

// BenchmarkMobileLayers times each of mobileLayers alone (batch 1,
// PackWeights on) with 1 and 2 workers: wall time and CPU time per call
// (cpu-µs/op, all threads). With 2 workers a layer should take about half
// the wall time for little more CPU time; where it does not, the parallel
// loop's hand-off costs more than the work.
func BenchmarkMobileLayers(b *testing.B) {
	for _, s := range mobileLayers {
		opts := []Option{WithStrides(s.stride, s.stride), WithActivation(s.act)}
		if s.k == 3 {
			opts = append(opts, WithPads(1, 1, 1, 1))
		}
		if s.depthwise {
			opts = append(opts, WithGroups(s.cin))
		}
		l := NewConv2D(s.filters, s.k, s.k, opts...)
		out, err := l.Build([]int{s.hw, s.hw, s.cin})
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewSource(1))
		fillUniform(l.kernel.Value, 0.3, rng)
		fillUniform(l.bias.Value, 0.3, rng)
		x := NewTensor(1, s.hw, s.hw, s.cin)
		fillUniform(x.Data, 1, rng)
		y := NewTensor(1, out[0], out[1], out[2])
		for _, w := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", s.name, w), func(b *testing.B) {
				l.setEngine(Engine{Workers: w, PackWeights: true})
				l.Forward(y, x, false)
				c0 := cpuTime()
				for b.Loop() {
					l.Forward(y, x, false)
				}
				b.ReportMetric(float64(cpuTime()-c0)/1e3/float64(b.N), "cpu-µs/op")
			})
		}
	}
}
