package nn

// Depthwise convolution (Conv2D with groups = input channels, MobileNet's):
// each output channel o = ci·m + j (m = filters/cin, the depth multiplier)
// reads input channel ci only,
//
//	y[i, j', o] = b[o] + Σ_{u,v} x[i·sh + u·dh - pt, j'·sw + v·dw - pl, ci] · K[u, v, 0, o]
//
// There is no reduction over channels to hand to a GEMM (a GEMM per channel
// would be a 1×(kh·kw) by (kh·kw)×pixels product: all overhead), so this is
// its own kernel, bound by memory traffic: for each output pixel and tap,
// one pass over the channels of an input pixel (contiguous in NHWC) times
// the tap's kernel row (contiguous in Keras' layout), accumulated into the
// output pixel's channels. Work items are blocks of output rows, as for the
// other paths, so the bias and activation follow in cache.

// depthwiseForward writes the pre-activation output rows [r0, r1) of one
// sample into y (the rows' slice of the sample's output).
func (c *Conv2D) depthwiseForward(y, x []float32, r0, r1 int) {
	g := &c.g
	f, m := c.filters, c.og
	kv := c.kernel.Value
	for oy := r0; oy < r1; oy++ {
		iy0, ulo, uhi := spanD(oy, g.sh, g.pt, g.kh, g.h, g.dh)
		for ox := 0; ox < g.ow; ox++ {
			ix0, vlo, vhi := spanD(ox, g.sw, g.pl, g.kw, g.w, g.dw)
			out := y[((oy-r0)*g.ow+ox)*f:][:f]
			clear(out)
			for u := ulo; u < uhi; u++ {
				row := (iy0 + u*g.dh) * g.w
				if m == 1 && vhi-vlo == 3 && useSIMD && f%8 == 0 && f > 0 {
					// A whole row of three taps in one pass over out.
					xo, ko := (row+ix0+vlo*g.dw)*g.c, (u*g.kw+vlo)*f
					_, _ = x[xo+2*g.dw*g.c+f-1], kv[ko+3*f-1]
					mulAdd3AVX2(&out[0], &x[xo], &kv[ko], f, g.dw*g.c, f)
					continue
				}
				for v := vlo; v < vhi; v++ {
					xs := x[(row+ix0+v*g.dw)*g.c:][:g.c]
					ks := kv[(u*g.kw+v)*f:][:f]
					if m == 1 {
						mulAdd(out, xs, ks)
						continue
					}
					for ci, xv := range xs {
						o := out[ci*m : (ci+1)*m]
						for j, kval := range ks[ci*m : (ci+1)*m] {
							o[j] += xv * kval
						}
					}
				}
			}
		}
	}
}

// mulAdd computes dst += a ⊙ b (with AVX2 and FMA for lengths that are
// multiples of 8, the channel counts of MobileNets).
func mulAdd(dst, a, b []float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	if useSIMD && len(dst)%8 == 0 && len(dst) > 0 {
		mulAddAVX2(&dst[0], &a[0], &b[0], len(dst))
		return
	}
	mulAddGo(dst, a, b)
}

func mulAddGo(dst, a, b []float32) {
	for i := range dst {
		dst[i] += a[i] * b[i]
	}
}

// depthwiseBackward adds the kernel gradient of output rows [r0, r1) of one
// sample into dk and, if dx is not nil, their input gradient into dx (the
// sample's), from dz, the rows' slice of dLoss/d(pre-activation).
func (c *Conv2D) depthwiseBackward(dk, dx, dz, x []float32, r0, r1 int) {
	g := &c.g
	f, m := c.filters, c.og
	kv := c.kernel.Value
	for oy := r0; oy < r1; oy++ {
		iy0, ulo, uhi := spanD(oy, g.sh, g.pt, g.kh, g.h, g.dh)
		for ox := 0; ox < g.ow; ox++ {
			ix0, vlo, vhi := spanD(ox, g.sw, g.pl, g.kw, g.w, g.dw)
			d := dz[((oy-r0)*g.ow+ox)*f:][:f]
			for u := ulo; u < uhi; u++ {
				row := (iy0 + u*g.dh) * g.w
				for v := vlo; v < vhi; v++ {
					off := (row + ix0 + v*g.dw) * g.c
					xs := x[off:][:g.c]
					dks := dk[(u*g.kw+v)*f:][:f]
					ks := kv[(u*g.kw+v)*f:][:f]
					if m == 1 {
						mulAdd(dks, xs, d)
						if dx != nil {
							mulAdd(dx[off:off+g.c], ks, d)
						}
						continue
					}
					for ci, xv := range xs {
						var s float32
						for j := ci * m; j < (ci+1)*m; j++ {
							dks[j] += xv * d[j]
							s += ks[j] * d[j]
						}
						if dx != nil {
							dx[off+ci] += s
						}
					}
				}
			}
		}
	}
}

// clamp sets v[i] = min(max(v[i], lo), hi); a NaN stays NaN.
func clamp(v []float32, lo, hi float32) {
	n := len(v) &^ 7
	if useSIMD && n > 0 {
		clampAVX2(&v[0], n, lo, hi)
		v = v[n:]
	}
	for i, x := range v {
		if x < lo {
			x = lo
		}
		if x > hi {
			x = hi
		}
		v[i] = x
	}
}
