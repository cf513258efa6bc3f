package nn

// Helpers of the pooling layers' general path (pool.go).

// inverseCount is 1 over the number of values an average divides by: the
// window's pixels inside the image, or with count_include_pad those inside
// the padded image (a ceil-mode window may reach past it).
func (p *pool2D) inverseCount(iy0, ix0, ilo, ihi, jlo, jhi int) float32 {
	if !p.countPad {
		return 1 / float32(max((ihi-ilo)*(jhi-jlo), 1))
	}
	g := &p.g
	rows := min(iy0+g.kh, g.h+g.pb) - iy0
	cols := min(ix0+g.kw, g.w+g.pr) - ix0
	return 1 / float32(rows*cols)
}

// maxInto sets dst[i] = max(dst[i], src[i]): a NaN in dst stays, a NaN in
// src never wins (with AVX2 for lengths that are multiples of 8, as the
// other vector loops of simd.go).
func maxInto(dst, src []float32) {
	src = src[:len(dst)]
	if useSIMD && len(dst)%8 == 0 && len(dst) > 0 {
		maxIntoAVX2(&dst[0], &src[0], len(dst))
		return
	}
	maxIntoGo(dst, src)
}

func maxIntoGo(dst, src []float32) {
	for i, v := range src {
		d := dst[i]
		if v > d {
			d = v
		}
		dst[i] = d
	}
}
