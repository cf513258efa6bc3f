package nn

// The 3×3 forward path of max pooling (pool.go): ResNet's 3×3, stride 2,
// pad 1 pooling, and any 3×3 window with any strides and pads, when the
// channels are a multiple of 8 and AVX2 is there.
//
// The general path makes one maxInto call per window position and output
// pixel (9 for 3×3). This one computes each output row with one assembly
// call (maxPool3AVX2) over the pixels whose window lies wholly inside the
// image columns: per 8 channels, 9 loads folded with VMAXPS in registers,
//
//	y[oy, ox, c] = max over i, j < 3 of x[oy·sh + i - pt, ox·sw + j - pl, c]
//
// in row-major order. A window cut by the top or bottom padding repeats its
// last real row (taking a maximum again changes nothing, NaN included); the
// pixels cut by the left or right padding go through maxPoolPixel, the
// general path's loop. Every step is maxInto's v > d, so the result is the
// general path's bit for bit: a window's first real input, if NaN, stays;
// a later NaN never wins; of equal values (+0 and -0) the first stays.
// Backward is unchanged.

// pool3 reports whether Forward takes the 3×3 path.
func (p *pool2D) pool3() bool {
	g := &p.g
	return useSIMD && p.isMax && g.kh == 3 && g.kw == 3 && g.c%8 == 0 && !p.eng.opts.pool3Off
}

// forward3 pools one block of output rows of one sample with 3×3 windows.
func (p *pool2D) forward3(_, item int) {
	g := &p.g
	n, r0 := item/p.blocks, item%p.blocks*p.rows
	r1 := min(r0+p.rows, g.oh)
	x, y := p.x.Sample(n), p.y.Sample(n)
	c, in := g.c, g.w*g.c
	// Output columns [a, b) have windows wholly inside the image's columns.
	a := min((g.pl+g.sw-1)/g.sw, g.ow)
	b := a
	if g.w+g.pl >= 3 {
		b = max(a, min(g.ow, (g.w+g.pl-3)/g.sw+1))
	}
	for oy := r0; oy < r1; oy++ {
		out := y[oy*g.ow*c : (oy+1)*g.ow*c]
		iy0, ilo, ihi := span(oy, g.sh, g.pt, 3, g.h)
		if ihi <= ilo { // the whole row of windows lies in the padding
			clear(out)
			continue
		}
		var rows [3][]float32
		for i := range rows {
			r := iy0 + min(ilo+i, ihi-1)
			rows[i] = x[r*in : (r+1)*in]
		}
		for ox := 0; ox < a; ox++ {
			p.maxPoolPixel(out[ox*c:(ox+1)*c], x, iy0, ilo, ihi, ox)
		}
		if b > a {
			col := (a*g.sw - g.pl) * c
			maxPool3AVX2(&out[a*c], &rows[0][col], &rows[1][col], &rows[2][col], b-a, c, g.sw*c)
		}
		for ox := b; ox < g.ow; ox++ {
			p.maxPoolPixel(out[ox*c:(ox+1)*c], x, iy0, ilo, ihi, ox)
		}
	}
}

// maxPoolPixel sets out to the maximum of output pixel ox's window (rows
// ilo..ihi from iy0), folded in row-major order as the general path does.
func (p *pool2D) maxPoolPixel(out, x []float32, iy0, ilo, ihi, ox int) {
	g := &p.g
	c := g.c
	ix0, jlo, jhi := span(ox, g.sw, g.pl, g.kw, g.w)
	if jhi <= jlo {
		clear(out)
		return
	}
	for i := ilo; i < ihi; i++ {
		for j := jlo; j < jhi; j++ {
			off := ((iy0+i)*g.w + ix0 + j) * c
			if i == ilo && j == jlo {
				copy(out, x[off:off+c])
			} else {
				maxInto(out, x[off:off+c])
			}
		}
	}
}
