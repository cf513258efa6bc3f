package nn

// Padded stride-1 convolutions ("same", or ONNX's explicit pads: every 3×3
// convolution of a ResNet or a VGG) on the direct path: the input is copied
// once into a zero-bordered buffer, and the direct path (conv2d_direct.go)
// runs on it as on a "valid" convolution. One copy of the input replaces
// im2col's kh·kw copies of it. Backward runs the direct path's backward on
// the padded buffers and copies the input gradient's interior out.

// paddedDirect reports whether this call takes the padded direct path:
// stride 1, no groups or dilation, some padding, and nn/sgemm.
func (c *Conv2D) paddedDirect() bool {
	g := &c.g
	return !c.eng.opts.convDirectOff && c.eng.sgemm() && g.sh == 1 && g.sw == 1 && c.groups == 1 &&
		g.dh == 1 && g.dw == 1 && g.pt+g.pl+g.pb+g.pr > 0
}

// paddedWindow is the geometry of the padded input: the same convolution
// with no padding.
func (c *Conv2D) paddedWindow() window {
	p := c.g
	p.h, p.w = p.h+p.pt+p.pb, p.w+p.pl+p.pr
	p.pt, p.pl, p.pb, p.pr = 0, 0, 0, 0
	return p
}

// padInput copies x into the interior of c.xpad (allocated, zero borders
// and all, when the batch size changes).
func (c *Conv2D) padInput(x *Tensor) {
	g, pg := &c.g, c.paddedWindow()
	n := x.Batch()
	if c.xpad == nil || c.xpad.Shape[0] != n {
		c.xpad = NewTensor(n, pg.h, pg.w, g.c)
		c.dxpad = nil
	}
	row, prow := g.w*g.c, pg.w*g.c
	for s := 0; s < n; s++ {
		src, dst := x.Sample(s), c.xpad.Sample(s)
		for i := 0; i < g.h; i++ {
			o := (i+g.pt)*prow + g.pl*g.c
			copy(dst[o:o+row], src[i*row:(i+1)*row])
		}
	}
}

// forwardPadded is Forward on the padded direct path.
func (c *Conv2D) forwardPadded(y, x *Tensor) {
	n := x.Batch()
	c.padInput(x)
	orig := c.g
	c.g = c.paddedWindow()
	defer func() { c.g = orig }()
	c.x, c.y = c.xpad, y
	c.cols = scratch(c.cols, c.eng.workers(), c.rows*c.g.w*c.filters)
	c.prepareStacked()
	c.eng.parallelFor(n*c.blocks*c.cb, c.fwdDirect)
	c.x, c.y = nil, nil
}

// backwardPadded is Backward on the padded direct path (c.y, c.dy and
// c.slots set by Backward).
func (c *Conv2D) backwardPadded(dx, x *Tensor) {
	n := x.Batch()
	c.padInput(x) // the layer may have run on another input since
	if dx != nil {
		checkTensor("Conv2D", "input gradient", dx, n, []int{c.g.h, c.g.w, c.g.c})
		if c.dxpad == nil {
			c.dxpad = NewTensor(c.xpad.Shape...)
		}
	}
	orig := c.g
	c.g = c.paddedWindow()
	c.x, c.dx = c.xpad, nil
	if dx != nil {
		c.dx = c.dxpad
	}
	c.backwardDirectAll(n)
	c.g = orig
	if dx == nil {
		return
	}
	g, pw := &c.g, c.g.w+c.g.pl+c.g.pr
	row, prow := g.w*g.c, pw*g.c
	for s := 0; s < n; s++ {
		src, dst := c.dxpad.Sample(s), dx.Sample(s)
		for i := 0; i < g.h; i++ {
			o := (i+g.pt)*prow + g.pl*g.c
			copy(dst[i*row:(i+1)*row], src[o:o+row])
		}
	}
}
