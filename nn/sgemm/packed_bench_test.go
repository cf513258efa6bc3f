package sgemm

import (
	"fmt"
	"testing"
)

// BenchmarkGemmPacked times the products of Conv2D's padded direct path at
// batch 1 with packed kernels (Engine.PackWeights) for ResNet-18's 28×28,
// 14×14 and 7×7 3×3 convolutions: the zero-padded input read with
// overlapping rows (lda = cin), one product of depth 3·cin per kernel row
// accumulated into C, junk rows included ("plain": GemmPacked; "next":
// GemmPackedNext, prefetching the next block; "rows": GemmPackedRows,
// junk rows skipped; "rows-nopair": the same without the pair kernel,
// packed_pair.go; GFLOP/s-cpu counts the useful products only). With
// the kernels packed once, the products read 3·3·cin·cout·4 bytes of
// kernel per image (9.4 MB at 7×7): cpu-ms/op is the CPU time per image.
func BenchmarkGemmPacked(b *testing.B) {
	for _, s := range []struct {
		hw, cin, f int
	}{{28, 128, 128}, {14, 256, 256}, {7, 512, 512}} {
		b.Run(fmt.Sprintf("resnet_%dx%d", s.hw, s.cin), func(b *testing.B) {
			w := s.hw + 2
			x := make([]float32, (w*w+2)*s.cin)
			for i := range x {
				x[i] = float32(i%7) - 3
			}
			kr := 3 * s.cin
			packs := make([]*Packed, 3)
			for u := range packs {
				kern := make([]float32, kr*s.f)
				for i := range kern {
					kern[i] = float32((i+u)%5) - 2
				}
				packs[u] = Pack(kr, s.f, kern, s.f)
			}
			m := (s.hw-1)*w + s.hw
			c := make([]float32, m*s.f)
			for _, mode := range []string{"plain", "next", "rows", "rows-nopair"} {
				b.Run(mode, func(b *testing.B) {
					defer func(old bool) { pairTiles = old }(pairTiles)
					pairTiles = mode != "rows-nopair"
					run := func() {
						for u := range 3 {
							a, beta := x[u*w*s.cin:], float32(min(u, 1))
							var next *Packed
							if u < 2 {
								next = packs[u+1]
							}
							switch mode {
							case "plain":
								GemmPacked(m, 0, s.f, 1, a, s.cin, packs[u], beta, c, s.f)
							case "next":
								GemmPackedNext(m, 0, s.f, 1, a, s.cin, packs[u], beta, c, s.f, next)
							default:
								GemmPackedRows(m, 0, s.f, 1, a, s.cin, packs[u], beta, c, s.f, next, s.hw, w)
							}
						}
					}
					run()
					cpu0 := cpuTime()
					for b.Loop() {
						run()
					}
					cpu := cpuTime() - cpu0
					// Useful products only (no junk rows), whatever the mode.
					flops := 2 * float64(s.hw*s.hw) * float64(s.f) * float64(3*kr) * float64(b.N)
					b.ReportMetric(flops/cpu.Seconds()/1e9, "GFLOP/s-cpu")
					b.ReportMetric(cpu.Seconds()*1e3/float64(b.N), "cpu-ms/op")
				})
			}
		})
	}
}
