package nn

import "math"

// The row-wise forward path of max pooling with a general k×k window
// (pool.go): ResNet's 3×3, stride 2, pad 1 pooling among others.
//
// For output row oy the kh input rows its windows cover are first combined
// column by column into one row of width w (long vector passes), starting
// from -Inf so that no NaN sticks there,
//
//	m[x, c] = max(-Inf, in[oy·sh + i - pt, x, c] for ilo ≤ i < ihi)
//
// and each output pixel then starts from its window's first real input f
// (row ilo, column jlo) and takes the maximum with kw neighbouring columns
// of m,
//
//	y[oy, ox, c] = max(f, m[ox·sw + j - pl, c] for jlo ≤ j < jhi)
//
// so a 3×3 window costs 4 short vector calls per output pixel instead of
// the general path's 9. Every step is maxInto (v > d: NaN in the running
// value stays, a NaN operand never wins), so the result is the general
// path's: a window whose first real input is NaN gives that NaN, a later
// NaN never wins, -Inf is an ordinary value. The one difference is the sign
// of a zero maximum when +0 and -0 both reach it and the first input is
// not one of them (the general path keeps the first in row-major order,
// this one the first in column-major order); the two compare equal, so
// backward, which routes to the first input equal to y, is unchanged.

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
		copy(m, p.negInf[:in])
		for i := ilo; i < ihi; i++ {
			maxInto(m, x[(iy0+i)*in:(iy0+i+1)*in])
		}
		p.maxColumns(out, m, x[(iy0+ilo)*in:])
	}
}

// maxColumns sets each pixel of the output row out to the maximum of its
// window's first input (in the input row first) and its window's columns
// of the combined row m.
func (p *pool2D) maxColumns(out, m, first []float32) {
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
		copy(dst, first[base:base+c])
		for j := jlo; j < jhi; j++ {
			src := m[(ix0+j)*c : (ix0+j+1)*c]
			if simd {
				maxIntoAVX2(&dst[0], &src[0], c)
			} else {
				maxIntoGo(dst, src)
			}
		}
	}
}

// prepareRows sizes the row-wise path's buffers (once: Forward allocates
// nothing after its first call).
func (p *pool2D) prepareRows() {
	in := p.g.w * p.g.c
	p.cm = scratch(p.cm, p.eng.workers(), in)
	if len(p.negInf) < in {
		p.negInf = make([]float32, in)
		for i := range p.negInf {
			p.negInf[i] = float32(math.Inf(-1))
		}
	}
}
