package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestSiLUAVX512MatchesAVX2: the AVX-512 loop is within 2 ulps of the AVX2
// loop (the same operations, but a reciprocal and a Newton step instead of
// the division) on values around every branch (±88, -87.34, 0, infinities,
// NaN), with the same zeros, infinities and NaNs, for lengths 1 to 70 (the
// two-vector loop, the 16-value blocks and the masked last block), and
// writes nothing past the end.
func TestSiLUAVX512MatchesAVX2(t *testing.T) {
	if !useAVX512 || !useSIMD {
		t.Skip("no AVX-512 on this machine: silu runs the AVX2 or Go loop")
	}
	x := []float32{-100, -88.8, -88.72, -88.5, -88, -87.5, -87.34, -20, -1, -1e-30, 0, 1e-30, 0.5, 3, 87.5, 88, 88.5, 100,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), float32(math.Copysign(0, -1))}
	rng := rand.New(rand.NewSource(3))
	for len(x) < 72 {
		x = append(x, float32(rng.NormFloat64()*8))
	}
	for n := 1; n <= 70; n++ {
		xs := x[:n]
		pad := (n + 7) &^ 7
		want := make([]float32, pad)
		src := make([]float32, pad)
		copy(src, xs)
		siluAVX2(&want[0], &src[0], pad)
		got := make([]float32, n+16)
		for i := range got {
			got[i] = 42
		}
		siluAVX512(&got[0], &xs[0], n)
		for i := 0; i < n; i++ {
			if ulpsApart(got[i], want[i]) > 2 {
				t.Fatalf("n=%d: silu(%g) = %g, AVX2 %g", n, xs[i], got[i], want[i])
			}
		}
		for i := n; i < len(got); i++ {
			if got[i] != 42 {
				t.Fatalf("n=%d: y[%d] = %g written past the end", n, i, got[i])
			}
		}
	}
}

// BenchmarkSiLUPaths times silu's AVX-512 and AVX2 loops on a row in the
// L1 cache (the arithmetic's cost) and on 4 MB (memory-bound), in CPU
// nanoseconds a value.
func BenchmarkSiLUPaths(b *testing.B) {
	for _, n := range []int{4096, 1 << 20} {
		x, y := make([]float32, n), make([]float32, n)
		fillUniform(x, 4, rand.New(rand.NewSource(1)))
		for _, path := range []string{"avx512", "avx2"} {
			b.Run(fmt.Sprintf("%d/%s", n, path), func(b *testing.B) {
				if path == "avx512" && !useAVX512 || !useSIMD {
					b.Skip("not on this machine")
				}
				c0 := cpuTime()
				for b.Loop() {
					if path == "avx512" {
						siluAVX512(&y[0], &x[0], n)
					} else {
						siluAVX2(&y[0], &x[0], n)
					}
				}
				b.ReportMetric(float64(cpuTime()-c0)/float64(b.N)/float64(n), "cpu-ns/value")
			})
		}
	}
}

// ulpsApart returns how many float32 values lie between a and b (0 for two
// NaNs or for equal values, 1<<31 for a NaN and a number or for values of
// opposite signs that are not both zero).
func ulpsApart(a, b float32) int64 {
	switch {
	case a != a || b != b:
		if a != a && b != b {
			return 0
		}
		return 1 << 31
	case a == b:
		return 0
	case math.Signbit(float64(a)) != math.Signbit(float64(b)):
		return 1 << 31
	}
	d := int64(math.Float32bits(a)) - int64(math.Float32bits(b))
	if d < 0 {
		d = -d
	}
	return d
}
