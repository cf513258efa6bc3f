package nn

import (
	"math/rand"
	"testing"
)

// BenchmarkConvStrided times one image (batch 1, inference, PackWeights,
// ReLU) through ResNet-18's strided convolutions (the 7×7 stride-2 stem and
// the three stride-2 3×3 convolutions) and the 3×3 stride-2 stems of
// MobileNetV2/EfficientNet (32 filters) and MobileNetV3 (16), with
// the CPU time per image (cpu-ms/op) beside the wall time: path=stem is the
// stem kernel and the strided path (conv_stem.go), path=im2col what they
// replace, alternating in one binary.
func BenchmarkConvStrided(b *testing.B) {
	for _, s := range []struct {
		name            string
		h, cin, f, k, p int
	}{
		{"stem_224x3-64_7x7", 224, 3, 64, 7, 3},
		{"stem_224x3-32_3x3", 224, 3, 32, 3, 1}, // MobileNetV2, EfficientNet
		{"stem_224x3-16_3x3", 224, 3, 16, 3, 1}, // MobileNetV3
		{"56x64-128_3x3", 56, 64, 128, 3, 1},
		{"28x128-256_3x3", 28, 128, 256, 3, 1},
		{"14x256-512_3x3", 14, 256, 512, 3, 1},
	} {
		for _, path := range []string{"stem", "im2col"} {
			b.Run(s.name+"/path="+path, func(b *testing.B) {
				c := NewConv2D(s.f, s.k, s.k, WithStrides(2, 2), WithPads(s.p, s.p, s.p, s.p), WithActivation("relu"))
				out, err := c.Build([]int{s.h, s.h, s.cin})
				if err != nil {
					b.Fatal(err)
				}
				c.Init(rand.New(rand.NewSource(1)))
				e := Engine{PackWeights: true}
				e.opts.stemOff = path == "im2col"
				c.setEngine(e)
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
