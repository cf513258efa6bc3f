package nn

import (
	"math/rand"
	"testing"
)

// BenchmarkMaxPoolResNet times ResNet-18's max pool (3×3, stride 2, pad 1,
// 112×112×64 → 56×56×64) on one image, inference, with the CPU time per
// image (cpu-ms/op) beside the wall time: path=3x3 is the 3×3 path
// (pool3.go), path=general the per-pixel path it replaces, alternating
// in one binary.
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
