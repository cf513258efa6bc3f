package nn

// hardSwish computes y = x·max(0, min(1, x/6 + 1/2)) element-wise (y may
// alias x): HardSwish's forward pass (MobileNetV3's activation), eight
// values at a time with AVX2 where the CPU has it, with the same roundings
// as the scalar loop.
func hardSwish(y, x []float32) {
	x = x[:len(y)]
	for i := unaryAVX2(hardSwishAVX2, y, x); i < len(y); i++ {
		v := x[i]
		y[i] = v * min(max(v/6+0.5, 0), 1)
	}
}

// mul computes dst = a ⊙ b (dst may alias a or b), with AVX2 where the CPU
// has it.
func mul(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	n := 0
	if useSIMD {
		if n = len(dst) &^ 7; n > 0 {
			mulAVX2(&dst[0], &a[0], &b[0], n)
		}
	}
	for i := n; i < len(dst); i++ {
		dst[i] = a[i] * b[i]
	}
}
