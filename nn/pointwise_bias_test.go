package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestBiasClamp compares biasClamp (assembly where c % 8 == 0) with the
// definition, for the clamps of linear, ReLU and ReLU6, row lengths that
// do and do not take the assembly, in place and not, with NaN and ±Inf
// among the inputs.
func TestBiasClamp(t *testing.T) {
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	for _, act := range []activation{actLinear, actReLU, actReLU6} {
		lo, hi, ok := clampAct(act)
		if !ok {
			t.Fatalf("%v is a clamp", act)
		}
		for _, c := range []int{8, 16, 24, 5, 12} {
			for _, inPlace := range []bool{false, true} {
				t.Run(fmt.Sprintf("%v/c=%d/inPlace=%v", act, c, inPlace), func(t *testing.T) {
					rng := rand.New(rand.NewSource(int64(c)))
					rows := 7
					src := make([]float32, rows*c)
					bias := make([]float32, c)
					fillUniform(src, 10, rng)
					fillUniform(bias, 3, rng)
					src[1], src[c+2], src[2*c] = nan, inf, -inf
					want := make([]float32, len(src))
					for i, v := range src {
						z := v + bias[i%c]
						switch {
						case z != z:
						case z < lo:
							z = lo
						case z > hi:
							z = hi
						}
						want[i] = z
					}
					dst := make([]float32, len(src))
					if inPlace {
						dst = src
					}
					biasClamp(dst, src, bias, lo, hi)
					for i, v := range dst {
						if !(v == want[i] || v != v && want[i] != want[i]) {
							t.Fatalf("dst[%d] = %g, expected %g", i, v, want[i])
						}
					}
				})
			}
		}
	}
	if _, _, ok := clampAct(actTanh); ok {
		t.Error("tanh is not a clamp")
	}
}

// TestClampTo compares clampTo with the definition for lengths around the
// assembly's 8-value blocks, with NaN and ±Inf among the inputs.
func TestClampTo(t *testing.T) {
	inf := float32(math.Inf(1))
	for _, n := range []int{0, 1, 7, 8, 9, 16, 21} {
		for _, b := range [][2]float32{{0, 6}, {-1, 1}, {0, inf}, {-inf, 0.5}} {
			src := make([]float32, n)
			fillUniform(src, 8, rand.New(rand.NewSource(int64(n))))
			if n > 3 {
				src[0], src[1], src[3] = float32(math.NaN()), inf, -inf
			}
			dst := make([]float32, n)
			clampTo(dst, src, b[0], b[1])
			for i, v := range src {
				want := v
				if v < b[0] {
					want = b[0]
				}
				if v > b[1] {
					want = b[1]
				}
				if !(dst[i] == want || dst[i] != dst[i] && want != want) {
					t.Fatalf("n=%d clamp %v: dst[%d] = %g, expected %g", n, b, i, dst[i], want)
				}
			}
		}
	}
}
