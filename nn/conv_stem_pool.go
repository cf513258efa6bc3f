package nn

// The stem kernel fused with the max pooling after it (ResNet's 3×3/2,
// pads 1): each work item pools the pooling rows whose windows lie within
// the convolution rows it has just computed, while they are in cache; the
// few pooling rows whose windows straddle two items are pooled after the
// parallel loop. A pooling row is separable: the elementwise maximum of
// its window's convolution rows (whole rows at once), then, per output
// pixel, of that row's pixels under the window:
//
//	yp[i, j] = max_{u,v} y[i·sh - pt + u, j·sw - pl + v]
//	         = max_v (max_u y[i·sh - pt + u, ·])[j·sw - pl + v]
//
// over the taps inside the image (a window wholly in the padding gives 0,
// as MaxPooling2D). Both steps start from the window's first row and first
// column and use maxInto, so the result is MaxPooling2D's; with NaNs it is
// NaN exactly when the window's first tap is, as MaxPooling2D's, though a
// NaN elsewhere in the first row hides the rest of its column.
// Training passes unfuse: backward runs the pooling layer's Backward, then
// the convolution's.

// stemPoolOK reports whether c, on the stem kernel, runs fused with the
// max pooling p after it.
func (c *Conv2D) stemPoolOK(p *MaxPooling2D) bool {
	return c.stemOK() && p.g.h == c.g.oh && p.g.w == c.g.ow && p.g.c == c.filters && c.act != actSoftmax
}

// forwardStemPooled computes y = c(x) and yp = p(y) when the pair does not
// take the direct path's fused 2×2 pooling, and reports whether it did: on
// the stem kernel with the pooling fused, or else one layer after the other.
func (c *Conv2D) forwardStemPooled(y, yp, x *Tensor, p *MaxPooling2D, training bool) bool {
	if !c.stemPoolOK(p) {
		if p.fast && c.direct() {
			return false
		}
		c.Forward(y, x, training)
		p.Forward(yp, y, training)
		return true
	}
	n := x.Batch()
	checkTensor(p.kind, "output", yp, n, []int{p.g.oh, p.g.ow, p.g.c})
	c.codesValid = false
	c.stem.pool, c.yp = p, yp
	c.stem.vm = scratch(c.stem.vm, c.eng.workers(), c.g.ow*c.filters)
	c.Forward(y, x, training) // stemItem pools its rows
	// The pooling rows across two items' convolution rows.
	for s := 0; s < n; s++ {
		for i := 0; i < p.g.oh; i++ {
			if c.stemPoolOwner(i) < 0 {
				poolRowMax(yp.Sample(s), y.Sample(s), &p.g, i, c.stem.vm[0])
			}
		}
	}
	c.stem.pool, c.yp = nil, nil
	return true
}

// backwardStemPooled is backwardPooled for the pairs forwardStemPooled
// ran: the pooling layer's Backward into a buffer the size of y, then the
// convolution's. It reports whether it handled the call.
func (c *Conv2D) backwardStemPooled(dx, dyp, x, y, yp *Tensor, p *MaxPooling2D) bool {
	if p.fast && c.direct() && !c.stemPoolOK(p) {
		return false
	}
	if c.stem.dy == nil || !sameShape(c.stem.dy.Shape, y.Shape) {
		c.stem.dy = NewTensor(y.Shape...)
	}
	p.Backward(c.stem.dy, dyp, y, yp)
	c.Backward(dx, c.stem.dy, x, y)
	return true
}

// sameShape reports whether two shapes are equal.
func sameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// stemPoolOwner returns the stem work item (block of c.rows convolution
// rows) that holds every row of pooling row i's window, or -1 when the
// window straddles two items or lies wholly in the padding.
func (c *Conv2D) stemPoolOwner(i int) int {
	pg := &c.stem.pool.g
	start, lo, hi := span(i, pg.sh, pg.pt, pg.kh, pg.h)
	if hi <= lo {
		return -1
	}
	b := (start + lo) / c.rows
	if (start+hi-1)/c.rows != b {
		return -1
	}
	return b
}

// stemPoolRows pools the pooling rows owned by item b (sample n's
// convolution rows [b·c.rows, …) are written).
func (c *Conv2D) stemPoolRows(worker, n, b int) {
	pg := &c.stem.pool.g
	r0 := b * c.rows
	i0 := max(0, (r0+pg.pt-pg.kh)/pg.sh)
	for i := i0; i < pg.oh; i++ {
		start, _, _ := span(i, pg.sh, pg.pt, pg.kh, pg.h)
		if start >= r0+c.rows {
			break
		}
		if c.stemPoolOwner(i) == b {
			poolRowMax(c.yp.Sample(n), c.y.Sample(n), pg, i, c.stem.vm[worker])
		}
	}
}

// poolRowMax writes row i of the max pooling (geometry pg) of the sample
// x into the sample y; vm holds one row of x.
func poolRowMax(y, x []float32, pg *window, i int, vm []float32) {
	c := pg.c
	out := y[i*pg.ow*c : (i+1)*pg.ow*c]
	iy0, ilo, ihi := span(i, pg.sh, pg.pt, pg.kh, pg.h)
	if ihi <= ilo {
		clear(out)
		return
	}
	row := pg.w * c
	vm = vm[:row]
	copy(vm, x[(iy0+ilo)*row:])
	for u := ilo + 1; u < ihi; u++ {
		maxInto(vm, x[(iy0+u)*row:])
	}
	for j := 0; j < pg.ow; j++ {
		ix0, jlo, jhi := span(j, pg.sw, pg.pl, pg.kw, pg.w)
		o := out[j*c : (j+1)*c]
		if jhi <= jlo {
			clear(o)
			continue
		}
		copy(o, vm[(ix0+jlo)*c:])
		for v := jlo + 1; v < jhi; v++ {
			maxInto(o, vm[(ix0+v)*c:])
		}
	}
}
