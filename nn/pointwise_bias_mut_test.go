package nn

import (
	"fmt"
	"math"
	"testing"
)

// TestBiasClampReference: biasClamp against min(max(src + bias, lo), hi)
// on both paths (assembly for rows of 8, 16; Go for 3, 12 and when forced),
// with exact lengths, empty rows, in place, NaN kept and -0 kept where it is
// not below lo (max(-0, 0) keeps its first operand, as the assembly's
// VMAXPS does).
func TestBiasClampReference(t *testing.T) {
	simdMutPaths(t, func(t *testing.T) {
		for _, c := range []int{3, 8, 12, 16} {
			for _, rows := range []int{0, 1, 3} {
				for _, b := range [][2]float32{{0, float32(math.Inf(1))}, {0, 6}, {float32(math.Inf(-1)), float32(math.Inf(1))}, {-1, 0.5}, {-1, 0}} {
					name := fmt.Sprintf("c=%d rows=%d [%v, %v]", c, rows, b[0], b[1])
					n := rows * c
					src, bias := mutVals(n, c+rows, true), mutVals(c, c+7, false)
					if n > 0 {
						src[0], bias[0] = negZero, negZero
					}
					want := make([]float32, n)
					for i := range want {
						v := src[i] + bias[i%c]
						if v < b[0] {
							v = b[0]
						}
						if v > b[1] {
							v = b[1]
						}
						want[i] = v
					}
					dst := mutGarbage(n)
					biasClamp(dst, src, bias, b[0], b[1])
					checkSame(t, name, dst, want)
					biasClamp(src, src, bias, b[0], b[1])
					checkSame(t, name+" in place", src, want)
				}
			}
		}
	})
}

// TestClampToReference: clampTo against min(max(x, lo), hi) on both paths
// (8 values a vector, the rest in Go), -0 kept at a bound of 0 either side.
func TestClampToReference(t *testing.T) {
	simdMutPaths(t, func(t *testing.T) {
		for _, n := range []int{0, 3, 8, 11} {
			for _, b := range [][2]float32{{0, 6}, {-1, 0}, {float32(math.Inf(-1)), 0.5}} {
				src := mutVals(n, n+3, true)
				for i := 0; i < n; i += 4 {
					src[i] = negZero
				}
				want := make([]float32, n)
				for i, v := range src {
					if v < b[0] {
						v = b[0]
					}
					if v > b[1] {
						v = b[1]
					}
					want[i] = v
				}
				dst := mutGarbage(n)
				clampTo(dst, src, b[0], b[1])
				checkSame(t, fmt.Sprintf("n=%d [%v, %v]", n, b[0], b[1]), dst, want)
			}
		}
	})
}
