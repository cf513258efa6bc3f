package nn

import (
	"fmt"
	"math/rand"
	"testing"
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
				e.opts.winogradOff, e.opts.winogradF2 = path == "direct", path == "F2"
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
