package nn

// The fused 5×5 depthwise kernel (EfficientNet's and MobileNetV3's 5×5
// depthwise convolutions, stride 1 or 2, any padding): depthwise3x3.go's
// scheme with five input rows and 25 taps,
//
//	y[i, j, o] = clamp(b[o] + Σ_{u,v<5} x[i·sh + u - pt, j·sw + v - pl, o] · K[u, v, 0, o], lo, hi)
//
// in one pass per output value, with AVX-512 (the 25 taps of a block of 16
// channels stay in registers while the loop walks a tile of output
// pixels; depthwise_avx512_amd64.s). The general path (depthwiseForward: a
// pass over the output per tap, then the bias and activation) reads and
// writes each output value 26 times. Without AVX-512 the layer keeps the
// general path, whose per-tap loop is vectorised with AVX2, unless the
// machine has no SIMD at all (then the fused loop in Go, dw5x5RowGo).

// dw5x5 reports whether this layer takes the fused 5×5 depthwise kernel:
// one output channel per input channel, a 5×5 kernel, no dilation, and an
// activation that is a clamp (linear, relu, relu6).
func (c *Conv2D) dw5x5() bool {
	g := &c.g
	return c.depthwise && c.og == 1 && g.kh == 5 && g.kw == 5 && g.dh == 1 && g.dw == 1 &&
		(c.act == actLinear || c.act == actReLU || c.act == actReLU6) && (useAVX512 || !useSIMD)
}

// depthwise5x5 computes the output rows [r0, r1) of one sample with the
// fused 5×5 kernel; see depthwise3x3. Where windows cross the left or right
// border, a stride-1 layer first copies the item's input rows into the
// worker's band (dw5x5Band: zeros in the padding; each input row serves up
// to five output rows), so that the row kernel computes every output
// pixel; a strided layer copies the window of each border pixel instead
// (dw5x5Edge: its input rows serve fewer output rows, and copying them
// cost more than the windows, measured on EfficientNet's 56×56×144/2).
// Rows above and below the image read a row of zeros.
func (c *Conv2D) depthwise5x5(y, x []float32, r0, r1, worker int) bool {
	g := &c.g
	f := c.filters
	wp := (g.ow-1)*g.sw + 5 // input columns under a row of outputs, padding included
	banded := g.sh == 1 && (g.pl > 0 || wp > g.w)
	if worker >= len(c.dwWin) || len(c.dwZero) < max(wp, g.w)*f ||
		banded && len(c.dwWin[worker]) < ((r1-r0-1)*g.sh+5)*wp*f || len(c.dwWin[worker]) < 25*f {
		return false
	}
	lo, hi := c.act.clampBounds()
	bias := c.dwZero[:f]
	if c.bias != nil {
		bias = c.bias.Value
	}
	k := c.kernel.Value[:25*f]
	rowLen := g.w * f
	iy0 := r0*g.sh - g.pt // first input row of the item
	// Output columns whose five input columns are all inside the image
	// (all of them in a band).
	oxLo, oxHi, shift := 0, g.ow, 0
	if banded {
		c.dw5x5Band(c.dwWin[worker], x, iy0, (r1-r0-1)*g.sh+5, wp)
	} else {
		oxLo = min((g.pl+g.sw-1)/g.sw, g.ow)
		oxHi = oxLo
		if last := g.w - 5 + g.pl; last >= 0 {
			oxHi = max(oxLo, min(g.ow, last/g.sw+1))
		}
		shift = g.pl
	}
	for oy := r0; oy < r1; oy++ {
		var rows [5][]float32
		for u := range rows {
			iy := oy*g.sh - g.pt + u
			switch {
			case banded:
				rows[u] = c.dwWin[worker][(iy-iy0)*wp*f : (iy-iy0+1)*wp*f]
			case iy >= 0 && iy < g.h:
				rows[u] = x[iy*rowLen : (iy+1)*rowLen]
			default:
				rows[u] = c.dwZero[:max(wp, g.w)*f]
			}
		}
		yr := y[(oy-r0)*g.ow*f : (oy-r0+1)*g.ow*f]
		for ox := 0; ox < oxLo; ox++ {
			c.dw5x5Edge(yr[ox*f:(ox+1)*f], &rows, ox, k, bias, worker, lo, hi)
		}
		for ox := oxLo; ox < oxHi; ox += dwTilePixels {
			n := min(dwTilePixels, oxHi-ox)
			ix := (ox*g.sw - shift) * f
			dw5x5Row(yr[ox*f:(ox+n)*f], rows[0][ix:], rows[1][ix:], rows[2][ix:], rows[3][ix:], rows[4][ix:],
				k, bias, n, f, g.sw*f, lo, hi)
		}
		for ox := oxHi; ox < g.ow; ox++ {
			c.dw5x5Edge(yr[ox*f:(ox+1)*f], &rows, ox, k, bias, worker, lo, hi)
		}
	}
	return true
}

// dw5x5Edge computes output pixel ox of a row whose window crosses the
// left or right border from a copy of its 5×5 window, zeros in the
// padding.
func (c *Conv2D) dw5x5Edge(y []float32, rows *[5][]float32, ox int, k, bias []float32, worker int, lo, hi float32) {
	f := c.filters
	win := c.edgeWindow(rows[:], ox, worker)
	dw5x5Row(y, win, win[5*f:], win[10*f:], win[15*f:], win[20*f:], k, bias, 1, f, 0, lo, hi)
}

// dw5x5Band copies nb input rows from row iy0 on (rows outside the image
// are zeros) into band, each as wp pixels starting at column -pl (zeros
// outside the image).
func (c *Conv2D) dw5x5Band(band, x []float32, iy0, nb, wp int) {
	g := &c.g
	f := c.filters
	for b := 0; b < nb; b++ {
		d := band[b*wp*f : (b+1)*wp*f]
		iy := iy0 + b
		if iy < 0 || iy >= g.h {
			clear(d)
			continue
		}
		src := x[iy*g.w*f : (iy+1)*g.w*f]
		left := min(g.pl, wp)
		clear(d[:left*f])
		n := copy(d[left*f:], src)
		clear(d[left*f+n:])
	}
}

// dw5x5Row computes n output pixels of c channels, y[p·c + o] (p < n),
// from five input rows x0…x4 that start at the first pixel's window (its
// tap v of row u at xu[v·c + o]; pixel p's window sx values further on),
// the kernel k (tap t at k[t·c:]), the bias b, and the clamp [lo, hi].
func dw5x5Row(y, x0, x1, x2, x3, x4, k, b []float32, n, c, sx int, lo, hi float32) {
	if n <= 0 {
		return
	}
	need := (n-1)*sx + 5*c
	_, _, _, _, _, _, _, _ = y[n*c-1], x0[need-1], x1[need-1], x2[need-1], x3[need-1], x4[need-1], k[25*c-1], b[c-1]
	if useAVX512 {
		dw5x5RowAVX512(&y[0], &x0[0], &x1[0], &x2[0], &x3[0], &x4[0], &k[0], &b[0], n, c, sx, lo, hi)
		return
	}
	dw5x5RowGo(y, [5][]float32{x0, x1, x2, x3, x4}, k, b, n, c, sx, lo, hi)
}

// dw5x5RowGo is dw5x5Row in Go (the fallback, and the reference of the
// assembly): the bias, then the taps row by row; a NaN stays NaN through
// the clamp.
func dw5x5RowGo(y []float32, x [5][]float32, k, b []float32, n, c, sx int, lo, hi float32) {
	for p := 0; p < n; p++ {
		o := y[p*c : (p+1)*c]
		for ch := range o {
			s := b[ch]
			for u := range x {
				a := x[u][p*sx:]
				ku := k[u*5*c:]
				for v := 0; v < 5; v++ {
					s += a[v*c+ch] * ku[v*c+ch]
				}
			}
			if s < lo {
				s = lo
			}
			if s > hi {
				s = hi
			}
			o[ch] = s
		}
	}
}

// prepareDepthwise5x5 sizes the fused 5×5 kernel's buffers: a row of zeros
// (rows above and below the image, and the bias of a layer without one)
// and, per worker, a band of input rows for the largest work item.
func (c *Conv2D) prepareDepthwise5x5() {
	g := &c.g
	f := c.filters
	wp := (g.ow-1)*g.sw + 5
	if n := max(wp, g.w) * f; len(c.dwZero) < n {
		c.dwZero = make([]float32, n)
	}
	rows := max(c.rows, c.maxRows)
	c.dwWin = scratch(c.dwWin, c.eng.workers(), max(((rows-1)*g.sh+5)*wp, 25)*f)
}
