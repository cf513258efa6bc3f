package nn

import "math"

// sumRows adds every row of xs (rows of len(ys) values, in order) to ys:
// ys[c] += xs[p·len(ys) + c] for p = 0, 1, …, the sums of
// GlobalAveragePooling2D. With SIMD and a multiple of 8 channels each row is
// one biasClamp pass (an add with infinite bounds) instead of a scalar loop:
// the same additions in the same order, bit for bit addTo's result.
// SqueezeNet's 13×13×1000 pool took ≈ 50 µs in the scalar loop (a
// dependent load, add and store per value), ≈ 3× a memory-bound pass.
func sumRows(ys, xs []float32) {
	c := len(ys)
	if c == 0 { // no channels: nothing to add (and p += c would not advance)
		return
	}
	if useSIMD && c%8 == 0 {
		inf := float32(math.Inf(1))
		for p := 0; p+c <= len(xs); p += c {
			biasClampAVX2(&ys[0], &ys[0], &xs[p], c, c, -inf, inf)
		}
		return
	}
	for p := 0; p+c <= len(xs); p += c {
		addTo(ys, xs[p:p+c])
	}
}
