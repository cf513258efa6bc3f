package nn

// Conv2D followed by a 2×2 MaxPooling2D, fused (Sequential does this when
// the convolution takes the direct path and the pooling its fast path; see
// poolFuser). Forward pools each block of output rows right after writing
// it, while it is still in cache, instead of reading the whole output back
// from memory in a second pass; in training it also records which input of
// each window won, as a 2-bit code (maxPool2Codes: 1/16 of a byte per
// convolution output). Backward starts from the pooling layer's output
// gradient: dyp ⊙ f'(yp) (f' at the window's maximum, which is the
// convolution's output there) goes to the recorded input, and each row pair
// of the convolution's dZ is built that way directly in the slot's buffer.
// So the pooling layer's input gradient, the size of the convolution's
// output, is never written nor allocated, and the convolution's output is
// not read again.

// fusesWith reports whether c and the pooling layer p after it can run
// fused for this call (an element-wise activation, so not softmax).
func (c *Conv2D) fusesWith(p *MaxPooling2D) bool {
	return p.fast && p.g.h == c.g.oh && p.g.w == c.g.ow && p.g.c == c.filters &&
		c.act != actSoftmax && c.direct()
}

// forwardPooled computes y = c(x) and yp = p(y) in one pass; see Forward.
// With training it records the window codes for backwardPooled.
func (c *Conv2D) forwardPooled(y, yp, x *Tensor, p *MaxPooling2D, training bool) {
	n := x.Batch()
	checkTensor("Conv2D", "input", x, n, []int{c.g.h, c.g.w, c.g.c})
	checkTensor("Conv2D", "output", y, n, []int{c.g.oh, c.g.ow, c.filters})
	checkTensor(p.kind, "output", yp, n, []int{p.g.oh, p.g.ow, p.g.c})
	if c.startMaxima(n, yp, training) {
		defer c.endMaxima(n)
	}
	if m := c.winoTile(training); m > 0 {
		c.codesValid = false
		c.forwardWinograd(m, y, yp, x)
		return
	}
	c.split(n, 1)
	if c.rows%2 == 1 && c.rows < c.g.oh { // whole row pairs per block
		c.rows++
		c.blocks = (c.g.oh + c.rows - 1) / c.rows
	}
	c.cols = scratch(c.cols, c.eng.workers(), c.rows*c.g.w*c.filters)
	c.prepareStacked()
	if training { // an optimiser step may follow: drop the packed kernels
		c.weightsChanged()
	}
	c.packed = c.usePacked(training)
	defer func() { c.packed = false }()
	c.preparePackedFor(true)
	c.codesValid = false
	if training {
		if size := len(yp.Data) / c.filters * codeBytes(c.filters); len(c.codes) != size {
			c.codes = make([]uint8, size)
		}
	}
	c.x, c.y, c.yp, c.recording = x, y, yp, training
	c.eng.parallelFor(n*c.blocks, c.fwdDirect)
	c.x, c.y, c.yp, c.recording = nil, nil, nil, false
	c.codesValid = training
}

// poolRows pools the output rows [r0, r1) of sample n (r0 even) into c.yp,
// for the fused forward pass.
func (c *Conv2D) poolRows(n, r0, r1 int) {
	f, row := c.filters, c.g.ow*c.filters
	y, yp := c.y.Sample(n), c.yp.Sample(n)
	pw := c.g.ow / 2
	prow, crow := pw*f, pw*codeBytes(f)
	for r := r0; r+1 < r1; r += 2 {
		out := yp[r/2*prow : (r/2+1)*prow]
		if c.recording {
			codes := c.codes[(n*(c.g.oh/2)+r/2)*crow:][:crow]
			maxPool2Codes(out, codes, y[r*row:], y[(r+1)*row:], f)
		} else {
			maxPool2(out, y[r*row:], y[(r+1)*row:], f)
			if c.pmax.out != nil {
				c.blockMaxima(n, r/2, out)
			}
		}
	}
}

// backwardPooled computes the gradients of c from dyp, the gradient of the
// output yp = p(y) of the pooling layer after it; see Backward.
func (c *Conv2D) backwardPooled(dx, dyp, x, y, yp *Tensor, p *MaxPooling2D) {
	if !c.noWeightGrads { // an optimiser step may follow
		c.weightsChanged()
	}
	n := x.Batch()
	checkTensor("Conv2D", "input", x, n, []int{c.g.h, c.g.w, c.g.c})
	checkTensor("Conv2D", "output", y, n, []int{c.g.oh, c.g.ow, c.filters})
	checkTensor(p.kind, "output", yp, n, []int{p.g.oh, p.g.ow, p.g.c})
	checkTensor(p.kind, "output gradient", dyp, n, []int{p.g.oh, p.g.ow, p.g.c})
	c.slots, c.x, c.y, c.dx, c.yp, c.dy = c.eng.workers(), x, y, dx, yp, dyp
	if c.codesValid && len(c.codes) == len(yp.Data)/c.filters*codeBytes(c.filters) {
		c.gp = scratch(c.gp, c.slots, p.g.ow*c.filters)
		c.recording = true // read the codes
	}
	c.backwardDirectAll(n)
	c.recording = false
}

// fillPooled writes rows r and r+1 (r even) of dZ, at row r of buf (rows
// of w pixels, junk columns zero), from the pooling layer's output gradient:
// each window's gradient goes to its first maximum, times f' there. The
// maximum is found from the recorded codes when the Forward recorded them,
// else by comparing y with yp.
func (c *Conv2D) fillPooled(buf []float32, slot, n, r int) {
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
	yp, dyp := c.yp.Sample(n)[r/2*prow:(r/2+1)*prow], c.dy.Sample(n)[r/2*prow:(r/2+1)*prow]
	if c.recording {
		gp := c.gp[slot][:prow]
		c.act.grad(gp, dyp, yp, f)
		crow := pw * codeBytes(f)
		maxPool2BackCodes(d0, d1, gp, c.codes[(n*ph+r/2)*crow:][:crow], f)
		clear(d0[2*prow:])
		clear(d1[2*prow:])
		return
	}
	y := c.y.Sample(n)
	y0, y1 := y[r*row:(r+1)*row], y[(r+1)*row:(r+2)*row]
	maxPool2Back(d0, d1, y0, y1, yp, dyp, f)
	clear(d0[2*prow:])
	clear(d1[2*prow:])
	c.act.grad(d0[:row], d0, y0, f)
	c.act.grad(d1[:row], d1, y1, f)
}
