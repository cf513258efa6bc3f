package nn

// A residual Add whose convolution takes the 1×1 path (MobileNetV2's
// projections at 28×28 and 14×14: 32, 64 and 96 filters) runs, in
// Graph.Predict, in that path's work items: each item, once its pixels'
// channels are stored, computes the Add's sum for the same pixels and
// channels while they are in cache, as conv2d_residual.go does for the
// row items of the other paths:
//
//	z = conv(x) + b,   s = z + r   (r: the Add's other input).
//
// forwardResidual only hooks the row items (c.fwd, c.fwdDirect), so with
// the 1×1 path the Add ran as its own pass after the convolution. Forward,
// which keeps every node's output, keeps that: there the extra reads of r
// and stores of s, into memory the caches have lost, slowed the
// convolution's own stores more than the Add's pass cost (BENCHMARKS.md,
// branch perfmob); in Predict the buffers are reused and cached. The sums
// are the Add's on the same values, bit for bit (TestPredictResidualPW).

// resPWFusion enables the path in Predict (tests and benchmarks turn it
// off to compare).
var resPWFusion = true

// forwardResNodePW runs the Add node a with its convolution, the 1×1
// path's items computing the Add's rows (forwardResNode otherwise).
func (g *Graph) forwardResNodePW(a *node) {
	c := a.resConv.layer.(*Conv2D)
	if c.cat.resFn == nil {
		c.cat.resFn = c.pointwiseItemRes
	}
	fn := c.pw.fn
	c.pw.fn = c.cat.resFn
	g.forwardResNode(a)
	c.pw.fn = fn
}

// pointwiseItemRes is pointwiseItem followed by the residual sums (and the
// fused activation, resFuse.rows) of its pixels and channels.
func (c *Conv2D) pointwiseItemRes(worker, item int) {
	c.pointwiseItem(worker, item)
	pw := &c.pw
	f := c.filters
	grp := item % pw.groups
	item /= pw.groups
	n, p0 := item/pw.chunks, item%pw.chunks*pw.chunk
	p1 := min(p0+pw.chunk, c.g.h*c.g.w)
	c.resRange(n, p0*f, p1*f, grp*pw.gw, min(grp*pw.gw+pw.gw, f))
}
