package nn

import (
	"math"
	"testing"
)

// TestClampSignedZero: clamp keeps a value equal to a bound as it is, so
// −0 clamped to [0, 6] or [−6, 0] stays −0 — in the AVX2 loop (eight at a
// time) as in the Go loop for the rest, at every kernel level.
func TestClampSignedZero(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	for _, l := range kernelLevels() {
		withKernelLevel(l, func() {
			for _, n := range []int{3, 8, 11} {
				for _, bounds := range [][2]float32{{0, 6}, {-6, 0}} {
					v := make([]float32, n)
					for i := range v {
						v[i] = negZero
					}
					clamp(v, bounds[0], bounds[1])
					for i, x := range v {
						if math.Float32bits(x) != math.Float32bits(negZero) {
							t.Fatalf("%s: clamp of %d values to %v: v[%d] = %v (bits %#x), expected -0", l.name, n, bounds, i, x, math.Float32bits(x))
						}
					}
				}
			}
		})
	}
}
