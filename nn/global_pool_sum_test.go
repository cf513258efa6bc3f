package nn

import (
	"math"
	"math/rand"
	"slices"
	"testing"
	"time"
)

// TestSumRows: sumRows gives bit for bit the scalar addTo loop's sums
// (the same additions in the same order) for channel counts that take the
// SIMD pass and that do not, with NaN and infinities passed through.
func TestSumRows(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	for _, c := range []int{8, 24, 1000, 1280, 7, 30} {
		xs := make([]float32, 13*c)
		fillUniform(xs, 10, rng)
		xs[3*c+1] = float32(math.NaN())
		xs[5*c+c-1] = float32(math.Inf(-1))
		want := make([]float32, c)
		for p := 0; p < len(xs); p += c {
			addTo(want, xs[p:p+c])
		}
		got := make([]float32, c)
		sumRows(got, xs)
		eq := func(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) || a != a && b != b }
		if !slices.EqualFunc(got, want, eq) {
			t.Errorf("%d channels: sumRows differs from the scalar sums", c)
		}
	}
}

// TestSumRowsNoChannels: with no channels sumRows returns at once (its
// loops step by the channel count, which would not advance) for empty and
// non-empty inputs alike, on the SIMD and the Go path.
func TestSumRowsNoChannels(t *testing.T) {
	defer func(v bool) { useSIMD = v }(useSIMD)
	for _, simd := range []bool{false, useSIMD} {
		useSIMD = simd
		for _, n := range []int{0, 3} {
			done := make(chan struct{})
			go func() { sumRows(nil, make([]float32, n)); close(done) }()
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatalf("SIMD %v, %d inputs: sumRows with no channels did not return", simd, n)
			}
		}
	}
}
