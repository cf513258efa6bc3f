package nn

import "time"

// The stem and its max pooling as one pass, for Graph.Predict. ResNet's
// stem (7×7/2, 3→64) writes a 112×112×64 map (3.2 MB, more than L2) that
// only the 3×3/2 max pooling after it reads; Forward keeps that map for
// the grid, but Predict keeps only the graph's outputs, so here the map
// never goes to memory. A work item is a block of pooling output rows of
// one sample: it pads the input rows its convolution rows read
// (stemPadRows), then computes the convolution rows one at a time into a
// ring of three rows (stemRow: the stem kernel, bias and ReLU as in
// Forward) and pools each output row as soon as the last row of its
// windows is there,
//
//	yp[oy, ox, c] = max over i, j < 3 of y[oy·sh + i - pt, ox·sw + j - pl, c]
//
// with pool3.go's kernel (maxPool3AVX2) and, where a window is cut by the
// left or right padding, the general path's loop, in the same row-major
// order: the result is Forward's (stem, then MaxPooling2D) bit for bit
// (TestStemPoolMatchesForward). Neighbouring items both compute the
// convolution row their windows share (one row in 2·rows + 1); the ring
// (3 × 28 KB for ResNet) stays in L1/L2.

// stemPoolFusion enables the fused pass (benchmarks turn it off to compare).
var stemPoolFusion = true

// stemPoolItems is the number of work items per worker and sample.
var stemPoolItems = 2

// stemPoolRun is the state of one fused pass.
type stemPoolRun struct {
	fn           func(worker, item int) // stemPoolItem (method value stored once)
	p            *pool2D
	yp           *Tensor
	rows, blocks int         // pooling rows per item, items per sample
	ring         [][]float32 // per worker: three convolution rows
}

// stemPoolOK reports whether c, on the stem kernel with a clamping
// activation, and the max pooling p reading its output can run as one
// pass: p takes the 3×3 path (pool3.go) over c's whole output.
func (c *Conv2D) stemPoolOK(p *MaxPooling2D) bool {
	pg := &p.g
	_, _, clamp := clampAct(c.act)
	return stemPoolFusion && c.stemOK() && clamp && c.pa.out == nil && p.pool3() &&
		pg.h == c.g.oh && pg.w == c.g.ow && pg.c == c.filters
}

// forwardStemPool computes yp = maxpool(f(conv(x, K) + b)) without
// writing the convolution's output; c.stemPoolOK(p) must hold.
func (c *Conv2D) forwardStemPool(yp, x *Tensor, p *MaxPooling2D) {
	g, pg := &c.g, &p.g
	n := x.Batch()
	checkTensor("Conv2D", "input", x, n, []int{g.h, g.w, g.c})
	checkTensor(p.kind, "output", yp, n, []int{pg.oh, pg.ow, pg.c})
	st := &c.stem
	sp := &st.pool
	if sp.fn == nil {
		sp.fn = c.stemPoolItem
	}
	st.v, st.p = stemShape(c.filters)
	tiles := (g.ow + st.p - 1) / st.p
	st.wp = max(g.w+g.pl, (tiles*st.p-1)*g.sw+g.kw)
	st.lo, st.hi, _ = clampAct(c.act)
	st.post = false
	if c.bias == nil && len(st.zero) < c.filters {
		st.zero = make([]float32, c.filters)
	}
	w := c.eng.workers()
	sp.blocks = min(pg.oh, max(1, (stemPoolItems*w+n-1)/n))
	sp.rows = (pg.oh + sp.blocks - 1) / sp.blocks
	sp.blocks = (pg.oh + sp.rows - 1) / sp.rows
	// Convolution rows per item: at most (rows-1)·sh + 3; input rows they read.
	crows := min(g.oh, (sp.rows-1)*pg.sh+3)
	c.cols = scratch(c.cols, w, ((crows-1)*g.sh+g.kh)*st.wp*g.c)
	st.tail = scratch(st.tail, w, st.p*st.v*16)
	sp.ring = scratch(sp.ring, w, 3*g.ow*c.filters)
	c.x, sp.yp, sp.p = x, yp, &p.pool2D
	work := c.forwardWork() * time.Duration(n)
	c.eng.parallelForWork(n*sp.blocks, work, sp.fn)
	c.x, sp.yp, sp.p = nil, nil, nil
}

// stemPoolItem computes pooling output rows [p0, p1) of one sample.
func (c *Conv2D) stemPoolItem(worker, item int) {
	g := &c.g
	st := &c.stem
	sp := &st.pool
	pg := &sp.p.g
	n, p0 := item/sp.blocks, item%sp.blocks*sp.rows
	p1 := min(p0+sp.rows, pg.oh)
	y := sp.yp.Sample(n)
	ch, row := pg.c, pg.w*pg.c
	// The convolution rows [lo, hi) the windows of these rows read.
	lo, hi := g.oh, 0
	for oy := p0; oy < p1; oy++ {
		if iy0, ilo, ihi := span(oy, pg.sh, pg.pt, 3, pg.h); ihi > ilo {
			lo, hi = min(lo, iy0+ilo), max(hi, iy0+ihi)
		}
	}
	ldx := st.wp * g.c
	var xp []float32
	if hi > lo {
		xp = c.cols[worker][:((hi-lo-1)*g.sh+g.kh)*ldx]
		c.stemPadRows(xp, c.x.Sample(n), lo*g.sh-g.pt)
	}
	ring := sp.ring[worker]
	at := func(r int) []float32 { return ring[r%3*row : (r%3+1)*row] }
	a, b := pool3Cols(pg)
	next := lo // the next convolution row to compute
	for oy := p0; oy < p1; oy++ {
		out := y[oy*pg.ow*ch : (oy+1)*pg.ow*ch]
		iy0, ilo, ihi := span(oy, pg.sh, pg.pt, 3, pg.h)
		if ihi <= ilo { // the whole row of windows lies in the padding
			clear(out)
			continue
		}
		for ; next < iy0+ihi; next++ {
			c.stemRow(at(next), xp[(next-lo)*g.sh*ldx:], st.tail[worker])
		}
		var rows [3][]float32
		for i := range rows {
			rows[i] = at(iy0 + min(ilo+i, ihi-1))
		}
		for ox := 0; ox < a; ox++ {
			poolPixelRows(out[ox*ch:(ox+1)*ch], &rows, ihi-ilo, ox, pg)
		}
		if b > a {
			col := (a*pg.sw - pg.pl) * ch
			maxPool3AVX2(&out[a*ch], &rows[0][col], &rows[1][col], &rows[2][col], b-a, ch, pg.sw*ch)
		}
		for ox := b; ox < pg.ow; ox++ {
			poolPixelRows(out[ox*ch:(ox+1)*ch], &rows, ihi-ilo, ox, pg)
		}
	}
}

// pool3Cols returns the output columns [a, b) whose 3-wide windows lie
// wholly inside the input's columns (pool2D.forward3's).
func pool3Cols(pg *window) (a, b int) {
	a = min((pg.pl+pg.sw-1)/pg.sw, pg.ow)
	b = a
	if pg.w+pg.pl >= 3 {
		b = max(a, min(pg.ow, (pg.w+pg.pl-3)/pg.sw+1))
	}
	return a, b
}

// poolPixelRows is pool2D.maxPoolPixel over the window's real rows
// rows[0:real] (each a whole input row): the maximum of output pixel ox's
// window folded in row-major order.
func poolPixelRows(out []float32, rows *[3][]float32, real, ox int, pg *window) {
	c := pg.c
	ix0, jlo, jhi := span(ox, pg.sw, pg.pl, pg.kw, pg.w)
	if jhi <= jlo {
		clear(out)
		return
	}
	for i := 0; i < real; i++ {
		for j := jlo; j < jhi; j++ {
			off := (ix0 + j) * c
			if i == 0 && j == jlo {
				copy(out, rows[i][off:off+c])
			} else {
				maxInto(out, rows[i][off:off+c])
			}
		}
	}
}
