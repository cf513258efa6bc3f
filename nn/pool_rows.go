package nn

// The row-wise forward path of max pooling with a general k×k window
// (pool.go): ResNet's 3×3, stride 2, pad 1 pooling among others.
//
// For output row oy the kh input rows its windows cover are first combined
// column by column into one row of width w (two long vector passes for a
// 3-row window),
//
//	m[x, c] = max_{ilo ≤ i < ihi} in[oy·sh + i - pt, x, c]
//
// and then each output pixel is the maximum of kw neighbouring columns of m,
//
//	y[oy, ox, c] = max_{jlo ≤ j < jhi} m[ox·sw + j - pl, c]
//
// so a 3×3 window costs 3 short vector calls per output pixel instead of
// the general path's 9. Both steps fold with maxInto (v > d), starting from
// the window's first real row and column, so the result is the general
// path's: a window whose first real input is NaN gives that NaN, a later
// NaN never wins, -Inf is an ordinary value. The one difference is the sign
// of a zero maximum when +0 and -0 both reach it (the general path keeps
// the first in row-major order, this one the first in column-major order);
// the two compare equal, so backward, which routes to the first input equal
// to y, is unchanged.

// rowwise reports whether Forward takes the row-wise path: max pooling
// off the 2×2 fast path with windows of more than one row.
func (p *pool2D) rowwise() bool {
	return p.isMax && !p.fast && p.g.kh > 1 && !p.eng.opts.poolRowsOff
}

// forwardRows pools one block of output rows of one sample row-wise.
func (p *pool2D) forwardRows(worker, item int) {
	g := &p.g
	n, r0 := item/p.blocks, item%p.blocks*p.rows
	r1 := min(r0+p.rows, g.oh)
	x, y := p.x.Sample(n), p.y.Sample(n)
	c, in := g.c, g.w*g.c
	m := p.cm[worker][:in]
	for oy := r0; oy < r1; oy++ {
		out := y[oy*g.ow*c : (oy+1)*g.ow*c]
		iy0, ilo, ihi := span(oy, g.sh, g.pt, g.kh, g.h)
		if ihi <= ilo { // the whole row of windows lies in the padding
			clear(out)
			continue
		}
		copy(m, x[(iy0+ilo)*in:(iy0+ilo+1)*in])
		for i := ilo + 1; i < ihi; i++ {
			maxInto(m, x[(iy0+i)*in:(iy0+i+1)*in])
		}
		p.maxColumns(out, m)
	}
}

// maxColumns sets each pixel of the output row out to the maximum of its
// window's columns of the combined row m.
func (p *pool2D) maxColumns(out, m []float32) {
	g := &p.g
	c := g.c
	simd := useSIMD && c%8 == 0
	for ox := 0; ox < g.ow; ox++ {
		dst := out[ox*c : (ox+1)*c]
		ix0, jlo, jhi := span(ox, g.sw, g.pl, g.kw, g.w)
		if jhi <= jlo {
			clear(dst)
			continue
		}
		base := (ix0 + jlo) * c
		copy(dst, m[base:base+c])
		for j := jlo + 1; j < jhi; j++ {
			src := m[(ix0+j)*c : (ix0+j+1)*c]
			if simd {
				maxIntoAVX2(&dst[0], &src[0], c)
			} else {
				maxIntoGo(dst, src)
			}
		}
	}
}
