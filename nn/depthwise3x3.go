package nn

import "math"

// The fused 3×3 depthwise kernel (MobileNets' depthwise convolutions, stride
// 1 or 2, any padding): for every output pixel and every block of 8
// channels,
//
//	y[i, j, o] = clamp(b[o] + Σ_{u,v<3} x[i·sh + u - pt, j·sw + v - pl, o] · K[u, v, 0, o], lo, hi)
//
// in one pass: the bias starts the sum, the nine taps are accumulated in a
// register (fused multiply-adds), the activation (linear, ReLU or ReLU6 as a
// clamp to [lo, hi]) is applied, and the output is stored once. A
// depthwise layer does 9 multiply-adds per value it writes, so it is bound
// by memory traffic; the general path (depthwiseForward, then the bias and
// activation pass) reads and writes each output value five times.
//
// The loop runs over the channels of a tile of output pixels in blocks of 8
// (NHWC: contiguous), with that block's nine kernel taps held in registers
// while it walks the tile's pixels (up to dwTilePixels of a row). Input rows
// that fall in the padding are read from a row of zeros; output pixels
// whose window crosses the left or right border are computed from a copy of
// their window with zeros in the padding (dw3x3Edge). Ported from nothing:
// the scheme is the textbook direct convolution (e.g. Zhang et al.,
// "High Performance Depthwise and Pointwise Convolutions on Mobile
// Devices", AAAI 2020, §3) specialised to NHWC.

// dwTilePixels is the most output pixels one call of the assembly covers
// (an output row is cut into tiles of at most this many). Measured
// (BenchmarkDepthwise3x3, 1 core): tiles cut to keep the input under them
// in the L1 cache (2 to 64 pixels) were 2–25 % slower than 64-pixel tiles,
// because every tile reloads the nine taps of every channel block.
const dwTilePixels = 64

// dw3x3Tile is the tile the 3×3 kernel uses inside a network: 4 pixels.
// Alone (BenchmarkDepthwise3x3, buffers in cache) 64-pixel tiles are
// faster, but in a forward pass the output buffers are cold (every node's
// output is kept, ~30 MB per MobileNetV2 image) and their stores, not the
// multiply-adds, bound the kernel: with 4-pixel tiles a tile's stores
// cover a few whole output pixels instead of one 64-byte line in each of
// 64 pixels per channel block. MobileNetV2, 1 core, same-process A/B
// (BenchmarkGraphNodes, branch perfmob): the whole pass 1.5 % less CPU
// (28×28 and 14×14 layers 5–13 % less, 112×112 and 7×7 unchanged).
var dw3x3Tile = 4

// dw3x3 reports whether this layer takes the fused 3×3 depthwise kernel:
// one output channel per input channel, a 3×3 kernel, no dilation, and an
// activation that is a clamp (linear, relu, relu6).
func (c *Conv2D) dw3x3() bool {
	g := &c.g
	return c.depthwise && c.og == 1 && g.kh == 3 && g.kw == 3 && g.dh == 1 && g.dw == 1 &&
		(c.act == actLinear || c.act == actReLU || c.act == actReLU6)
}

// clampBounds returns the activation as a clamp to [lo, hi].
func (a activation) clampBounds() (lo, hi float32) {
	inf := float32(math.Inf(1))
	switch a {
	case actReLU:
		return 0, inf
	case actReLU6:
		return 0, 6
	}
	return -inf, inf
}

// prepareDepthwise sizes the fused kernel's buffers before a forward pass:
// a row of zeros (padding rows, and the bias of a layer without one) and,
// per worker, one pixel's 3×3 window (border pixels).
func (c *Conv2D) prepareDepthwise() {
	if !c.dw3x3() && !c.dw5x5() {
		return
	}
	f := c.filters
	if c.dw5x5() {
		c.prepareDepthwise5x5() // depthwise5x5.go
		return
	}
	if n := max(c.g.w, 3) * f; len(c.dwZero) < n {
		c.dwZero = make([]float32, n)
	}
	c.dwWin = scratch(c.dwWin, c.eng.workers(), 9*f)
}

// depthwise3x3 computes the output rows [r0, r1) of one sample with the
// fused kernel (bias and activation included; the 5×5 one for a 5×5
// layer) and reports true, or reports false if the layer does not qualify
// (dw3x3, dw5x5) or prepareDepthwise has not
// sized the buffers for this worker.
func (c *Conv2D) depthwise3x3(y, x []float32, r0, r1, worker int) bool {
	if c.dw5x5() {
		return c.depthwise5x5(y, x, r0, r1, worker) // depthwise5x5.go
	}
	if !c.dw3x3() || worker >= len(c.dwWin) || len(c.dwZero) < max(c.g.w, 3)*c.filters {
		return false
	}
	g := &c.g
	f := c.filters
	lo, hi := c.act.clampBounds()
	zero := c.dwZero
	bias := zero[:f]
	if c.bias != nil {
		bias = c.bias.Value
	}
	k := c.kernel.Value[:9*f]
	rowLen := g.w * f
	// Output columns whose three input columns are all inside the image.
	oxLo := min((g.pl+g.sw-1)/g.sw, g.ow)
	oxHi := oxLo
	if last := g.w - 3 + g.pl; last >= 0 {
		oxHi = max(oxLo, min(g.ow, last/g.sw+1))
	}
	tile := dw3x3Tile
	for oy := r0; oy < r1; oy++ {
		var rows [3][]float32
		for u := range rows {
			rows[u] = zero[:rowLen]
			if iy := oy*g.sh - g.pt + u; iy >= 0 && iy < g.h {
				rows[u] = x[iy*rowLen : (iy+1)*rowLen]
			}
		}
		yr := y[(oy-r0)*g.ow*f : (oy-r0+1)*g.ow*f]
		for ox := 0; ox < oxLo; ox++ {
			c.dw3x3Edge(yr[ox*f:(ox+1)*f], &rows, ox, k, bias, worker, lo, hi)
		}
		for ox := oxLo; ox < oxHi; ox += tile {
			n := min(tile, oxHi-ox)
			ix := (ox*g.sw - g.pl) * f
			dw3x3Row(yr[ox*f:(ox+n)*f], rows[0][ix:], rows[1][ix:], rows[2][ix:], k, bias, n, f, g.sw*f, lo, hi)
		}
		for ox := oxHi; ox < g.ow; ox++ {
			c.dw3x3Edge(yr[ox*f:(ox+1)*f], &rows, ox, k, bias, worker, lo, hi)
		}
	}
	return true
}

// dw3x3Edge computes output pixel ox of a row whose window crosses the
// left or right border: its 3×3 window, zeros in the padding, is copied
// into the worker's scratch and computed as a tile of one pixel.
func (c *Conv2D) dw3x3Edge(y []float32, rows *[3][]float32, ox int, k, bias []float32, worker int, lo, hi float32) {
	f := c.filters
	win := c.edgeWindow(rows[:], ox, worker)
	dw3x3Row(y, win, win[3*f:], win[6*f:], k, bias, 1, f, 0, lo, hi)
}

// edgeWindow copies output pixel ox's k×k window (k = len(rows), one
// input row each, zeros where the window leaves the image on the left or
// right) into the worker's scratch, tap (u, v) at [(u·k + v)·filters:], and
// returns it: the depthwise kernels' border pixels (dw3x3Edge, dw5x5Edge).
func (c *Conv2D) edgeWindow(rows [][]float32, ox, worker int) []float32 {
	g := &c.g
	f := c.filters
	k := len(rows)
	win := c.dwWin[worker][:k*k*f]
	for u, row := range rows {
		for v := range k {
			d := win[(u*k+v)*f : (u*k+v+1)*f]
			if ix := ox*g.sw - g.pl + v; ix >= 0 && ix < g.w {
				copy(d, row[ix*f:(ix+1)*f])
			} else {
				clear(d)
			}
		}
	}
	return win
}

// dw3x3Row computes n output pixels of c channels, y[p·c + o] (p < n), from
// three input rows x0, x1, x2 that start at the first pixel's window (its
// tap v of row u at xu[v·c + o]; pixel p's window sx values further on),
// the kernel k (tap t at k[t·c:]), the bias b, and the clamp [lo, hi].
func dw3x3Row(y, x0, x1, x2, k, b []float32, n, c, sx int, lo, hi float32) {
	if n <= 0 {
		return
	}
	need := (n-1)*sx + 3*c
	_, _, _, _, _, _ = y[n*c-1], x0[need-1], x1[need-1], x2[need-1], k[9*c-1], b[c-1]
	if useAVX512 { // any c: the last block masked (depthwise_avx512_amd64.s)
		dw3x3RowAVX512(&y[0], &x0[0], &x1[0], &x2[0], &k[0], &b[0], n, c, sx, lo, hi)
		return
	}
	if useSIMD && c%8 == 0 {
		dw3x3RowAVX2(&y[0], &x0[0], &x1[0], &x2[0], &k[0], &b[0], n, c, sx, lo, hi)
		return
	}
	dw3x3RowGo(y, x0, x1, x2, k, b, n, c, sx, lo, hi)
}

// dw3x3RowGo is dw3x3Row in Go (the fallback, and the reference of the
// assembly). The sum runs in the assembly's order: bias, then the taps row
// by row; a NaN stays NaN through the clamp.
func dw3x3RowGo(y, x0, x1, x2, k, b []float32, n, c, sx int, lo, hi float32) {
	k0, k1, k2 := k[:3*c], k[3*c:6*c], k[6*c:9*c]
	for p := 0; p < n; p++ {
		o := y[p*c : (p+1)*c]
		a0, a1, a2 := x0[p*sx:p*sx+3*c], x1[p*sx:p*sx+3*c], x2[p*sx:p*sx+3*c]
		for ch := range o {
			s := b[ch]
			s += a0[ch] * k0[ch]
			s += a0[c+ch] * k0[c+ch]
			s += a0[2*c+ch] * k0[2*c+ch]
			s += a1[ch] * k1[ch]
			s += a1[c+ch] * k1[c+ch]
			s += a1[2*c+ch] * k1[2*c+ch]
			s += a2[ch] * k2[ch]
			s += a2[c+ch] * k2[c+ch]
			s += a2[2*c+ch] * k2[2*c+ch]
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
