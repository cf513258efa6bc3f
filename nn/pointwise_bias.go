package nn

// biasClamp computes dst = min(max(src + bias, lo), hi) for len(dst) values
// in rows of len(bias): a convolution's bias and its activation (linear,
// ReLU or ReLU6, see activation.clampBounds) in one pass over its output,
// the pass that follows every 1×1 (pointwise) convolution's GEMM. A NaN
// stays NaN. src may be dst.
func biasClamp(dst, src, bias []float32, lo, hi float32) {
	c := len(bias)
	if c == 0 || len(dst)%c != 0 || len(src) < len(dst) {
		panic("nn: biasClamp: bad lengths")
	}
	if useSIMD && c%8 == 0 && len(dst) > 0 {
		biasClampAVX2(&dst[0], &src[0], &bias[0], len(dst), c, lo, hi)
		return
	}
	biasClampGo(dst, src, bias, lo, hi)
}

func biasClampGo(dst, src, bias []float32, lo, hi float32) {
	c := len(bias)
	for r := 0; r+c <= len(dst); r += c {
		d, s, b := dst[r:r+c:r+c], src[r:r+c:r+c], bias[:c:c]
		for i, v := range s {
			v += b[i]
			if v < lo {
				v = lo
			}
			if v > hi {
				v = hi
			}
			d[i] = v
		}
	}
}

// clampAct reports whether a is a clamp (linear, ReLU, ReLU6) and its
// bounds.
func clampAct(a activation) (lo, hi float32, ok bool) {
	if a != actLinear && a != actReLU && a != actReLU6 {
		return 0, 0, false
	}
	lo, hi = a.clampBounds()
	return lo, hi, true
}

// clampTo computes dst = min(max(src, lo), hi) (len(dst) values) in one
// pass: the Clip and ReLU6 layers of a graph whose activations are not
// fused into the convolutions (the app shows each as its own node). A NaN
// stays NaN.
func clampTo(dst, src []float32, lo, hi float32) {
	src = src[:len(dst)]
	n := len(dst) &^ 7
	if useSIMD && n > 0 {
		clampToAVX2(&dst[0], &src[0], n, lo, hi)
		dst, src = dst[n:], src[n:]
	}
	for i, v := range src {
		if v < lo {
			v = lo
		}
		if v > hi {
			v = hi
		}
		dst[i] = v
	}
}
