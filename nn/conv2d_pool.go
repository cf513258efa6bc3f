package nn

// Conv2D followed by a 2×2 MaxPooling2D, fused (Sequential does this when
// the convolution takes the direct path and the pooling its fast path; see
// poolFuser). Forward pools each block of output rows right after writing
// it, while it is still in cache, instead of reading the whole output back
// from memory in a second pass. Backward starts from the pooling layer's
// output gradient: each row pair of the convolution's dZ is built directly
// in the slot's buffer (the routed gradient, times f'), so the pooling
// layer's input gradient, the size of the convolution's output, is never
// written nor allocated.

// fusesWith reports whether c and the pooling layer p after it can run
// fused for this call.
func (c *Conv2D) fusesWith(p *MaxPooling2D) bool {
	return p.fast && p.g.h == c.g.oh && p.g.w == c.g.ow && p.g.c == c.filters && c.direct()
}

// forwardPooled computes y = c(x) and yp = p(y) in one pass; see Forward.
func (c *Conv2D) forwardPooled(y, yp, x *Tensor, p *MaxPooling2D) {
	n := x.Batch()
	checkTensor("Conv2D", "input", x, n, []int{c.g.h, c.g.w, c.g.c})
	checkTensor("Conv2D", "output", y, n, []int{c.g.oh, c.g.ow, c.filters})
	checkTensor(p.kind, "output", yp, n, []int{p.g.oh, p.g.ow, p.g.c})
	c.split(n, 1)
	if c.rows%2 == 1 && c.rows < c.g.oh { // whole row pairs per block
		c.rows++
		c.blocks = (c.g.oh + c.rows - 1) / c.rows
	}
	c.cols = scratch(c.cols, max(1, Workers), c.rows*c.g.w*c.filters)
	c.x, c.y, c.yp = x, y, yp
	parallelFor(n*c.blocks, c.fwdDirect)
	c.x, c.y, c.yp = nil, nil, nil
}

// poolRows pools the output rows [r0, r1) of sample n (r0 even) into c.yp,
// for the fused forward pass.
func (c *Conv2D) poolRows(n, r0, r1 int) {
	f, row := c.filters, c.g.ow*c.filters
	y, yp := c.y.Sample(n), c.yp.Sample(n)
	prow := c.g.ow / 2 * f
	for r := r0; r+1 < r1; r += 2 {
		maxPool2(yp[r/2*prow:(r/2+1)*prow], y[r*row:], y[(r+1)*row:], f)
	}
}

// backwardPooled computes the gradients of c from dyp, the gradient of the
// output yp = p(y) of the pooling layer after it; see Backward.
func (c *Conv2D) backwardPooled(dx, dyp, x, y, yp *Tensor, p *MaxPooling2D) {
	n := x.Batch()
	checkTensor("Conv2D", "input", x, n, []int{c.g.h, c.g.w, c.g.c})
	checkTensor("Conv2D", "output", y, n, []int{c.g.oh, c.g.ow, c.filters})
	checkTensor(p.kind, "output", yp, n, []int{p.g.oh, p.g.ow, p.g.c})
	checkTensor(p.kind, "output gradient", dyp, n, []int{p.g.oh, p.g.ow, p.g.c})
	c.slots, c.x, c.y, c.dx, c.yp, c.dy = max(1, Workers), x, y, dx, yp, dyp
	c.backwardDirectAll(n)
}

// fillPooled writes rows r and r+1 (r even) of dZ, at row r of buf (rows
// of w pixels, junk columns zero), from the pooling layer's output gradient:
// each window's gradient goes to its first maximum, times f' there.
func (c *Conv2D) fillPooled(buf []float32, n, r int) {
	g := &c.g
	f, w := c.filters, g.w
	d0, d1 := buf[:w*f], buf[w*f:2*w*f]
	ph, pw := g.oh/2, g.ow/2
	if r/2 >= ph { // below the pooled rows (odd height) or the output
		clear(d0)
		clear(d1)
		return
	}
	row, prow := g.ow*f, pw*f
	y, yp, dyp := c.y.Sample(n), c.yp.Sample(n), c.dy.Sample(n)
	y0, y1 := y[r*row:(r+1)*row], y[(r+1)*row:(r+2)*row]
	maxPool2Back(d0, d1, y0, y1, yp[r/2*prow:(r/2+1)*prow], dyp[r/2*prow:(r/2+1)*prow], f)
	clear(d0[2*prow:])
	clear(d1[2*prow:])
	c.act.grad(d0[:row], d0, y0, f)
	c.act.grad(d1[:row], d1, y1, f)
}
