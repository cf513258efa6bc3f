package nn

// Conv2D's im2col path, for every convolution the direct path
// (conv2d_direct.go) does not take: strides, "same" padding, or a BLAS
// other than nn/sgemm in the Engine.

// forwardItem computes one block of output rows of one sample.
func (c *Conv2D) forwardItem(worker, item int) {
	g := &c.g
	blk, j0 := item/c.cb, item%c.cb*c.cw
	j1 := min(j0+c.cw, c.filters)
	n, r0 := blk/c.blocks, blk%c.blocks*c.rows
	r1 := min(r0+c.rows, g.oh)
	p := (r1 - r0) * g.ow
	y := c.y.Sample(n)[r0*g.ow*c.filters : r1*g.ow*c.filters]
	switch {
	case c.depthwise:
		if c.depthwise3x3(y, c.x.Sample(n), r0, r1, worker) {
			return // bias and activation fused
		}
		c.depthwiseForward(y, c.x.Sample(n), r0, r1)
	case c.grouped:
		cols := c.cols[worker][:p*c.k]
		for gi := 0; gi < c.groups; gi++ {
			g.im2colG(cols, c.x.Sample(n), r0, r1, gi*c.cg, c.cg)
			c.eng.gemm(false, false, p, c.og, c.k, 1, cols, c.k, c.kernel.Value[gi*c.og:], c.filters, 0, y[gi*c.og:], c.filters)
		}
	case c.cb > 1: // splitColumns: channels [j0, j1) of the whole image
		cols := c.cols[worker][:p*c.k]
		g.im2col(cols, c.x.Sample(n), r0, r1)
		c.im2colColumns(y, cols, p, j0, j1)
		return
	default:
		cols := c.cols[worker][:p*c.k]
		g.im2col(cols, c.x.Sample(n), r0, r1)
		if len(c.packs) == 1 && c.packedColumns(0) {
			gemmPackedRow(p, 0, c.filters, cols, c.k, c.packs, 0, 0, y, c.filters, p, p)
		} else {
			c.eng.gemm(false, false, p, c.filters, c.k, 1, cols, c.k, c.kernel.Value, c.filters, 0, y, c.filters)
		}
	}
	var b []float32
	if c.bias != nil {
		b = c.bias.Value
	}
	biasAct(y, b, c.filters, c.act)
}

// backwardSlot processes slot's static share of the current phase's blocks.
func (c *Conv2D) backwardSlot(_, slot int) {
	g := &c.g
	per, first := c.blocks, 0 // blocks per sample in this phase, first block
	if c.phase >= 0 {
		per, first = (c.blocks-c.phase+1)/2, c.phase
	}
	dk, db := c.dk[slot], []float32(nil)
	if c.bias != nil {
		db = c.db[slot]
	}
	if c.phase <= 0 { // first visit of this slot: start the sums
		clear(dk)
		clear(db)
	}
	total := c.x.Batch() * per
	for t := slot * total / c.slots; t < (slot+1)*total/c.slots; t++ {
		n, b := t/per, first+t%per
		if c.phase >= 0 {
			b = first + 2*(t%per)
		}
		r0 := b * c.rows
		r1 := min(r0+c.rows, g.oh)
		p := (r1 - r0) * g.ow
		off := r0 * g.ow * c.filters
		dy := c.dy.Sample(n)[off : off+p*c.filters]
		dz := dy
		if c.act != actLinear {
			dz = c.dz[slot][:len(dy)]
			c.act.grad(dz, dy, c.y.Sample(n)[off:off+len(dy)], c.filters)
		}
		if db != nil {
			for i := 0; i < len(dz); i += c.filters {
				addTo(db, dz[i:i+c.filters])
			}
		}
		var dx []float32
		if c.dx != nil {
			dx = c.dx.Sample(n)
		}
		if c.depthwise {
			c.depthwiseBackward(dk, dx, dz, c.x.Sample(n), r0, r1)
			continue
		}
		cols := c.cols[slot][:p*c.k]
		if c.grouped {
			for gi := 0; gi < c.groups; gi++ {
				if !c.noWeightGrads {
					g.im2colG(cols, c.x.Sample(n), r0, r1, gi*c.cg, c.cg)
					c.eng.gemm(true, false, c.k, c.og, p, 1, cols, c.k, dz[gi*c.og:], c.filters, 1, dk[gi*c.og:], c.filters)
				}
				if dx != nil {
					dcols := c.dcols[slot][:p*c.k]
					c.eng.gemm(false, true, p, c.k, c.og, 1, dz[gi*c.og:], c.filters, c.kernel.Value[gi*c.og:], c.filters, 0, dcols, c.k)
					g.col2imG(dx, dcols, r0, r1, gi*c.cg, c.cg)
				}
			}
			continue
		}
		if !c.noWeightGrads {
			g.im2col(cols, c.x.Sample(n), r0, r1)
			c.eng.gemm(true, false, c.k, c.filters, p, 1, cols, c.k, dz, c.filters, 1, dk, c.filters)
		}
		if dx != nil {
			dcols := c.dcols[slot][:p*c.k]
			c.eng.gemm(false, true, p, c.k, c.filters, 1, dz, c.filters, c.kernel.Value, c.filters, 0, dcols, c.k)
			g.col2im(dx, dcols, r0, r1)
		}
	}
}

// clearSample zeroes sample n of the input gradient.
func (c *Conv2D) clearSample(_, n int) { clear(c.dx.Sample(n)) }

// im2colColumns computes output channels [j0, j1) of p output pixels, y (p
// rows of all filters), from their patches cols (p × k): y[:, j0:j1] =
// f(cols · K[:, j0:j1] + b[j0:j1]), with the packed kernel where its
// panels line up with j0. The column-block paths (splitColumns, per work
// item and with shared patches) share it.
func (c *Conv2D) im2colColumns(y, cols []float32, p, j0, j1 int) {
	if len(c.packs) == 1 && c.packedColumns(j0) {
		gemmPackedRow(p, j0, j1, cols, c.k, c.packs, 0, 0, y[j0:], c.filters, p, p)
	} else {
		c.eng.gemm(false, false, p, j1-j0, c.k, 1, cols, c.k, c.kernel.Value[j0:], c.filters, 0, y[j0:], c.filters)
	}
	c.biasActInPlace(y, j0, j1)
}

// biasActInPlace applies y[:, j0:j1] = f(y[:, j0:j1] + b[j0:j1]) to rows
// of all filters: in one call when the block is every column, else row by
// row (element-wise either way, so the values are the same).
func (c *Conv2D) biasActInPlace(y []float32, j0, j1 int) {
	f := c.filters
	var b []float32
	if c.bias != nil {
		b = c.bias.Value[j0:j1]
	}
	if j0 == 0 && j1 == f {
		biasAct(y, b, f, c.act)
		return
	}
	for o := 0; o < len(y); o += f {
		biasAct(y[o+j0:o+j1], b, j1-j0, c.act)
	}
}
