package nn

// A convolution whose only reader is a GlobalAveragePooling2D (the
// classifiers of SqueezeNet, 13×13 512→1000, and MobileNetV2, 7×7
// 320→1280) computes, in Graph.Predict, the pool's output too: each work
// item of the direct path that covers every output row of a block of
// channels (a single image cut into column blocks, splitColumns) adds
// those channels of its rows, pixel by pixel, while they are in its cache,
//
//	s[n, o] = (((0 + y[n, 0, o]) + y[n, 1, o]) + …) · 1/(h·w),   o ∈ [j0, j1),
//
// the additions of sumRows (global_pool_sum.go) for those channels in the
// same order, so the pool's output is bit for bit its own
// (TestPredictPoolInto). With two workers the pool otherwise read on one
// core the half of the map the other core had written (SqueezeNet: 17 µs
// on one worker, 33 on two). Items cut into row blocks, and other paths,
// leave the pool to its own pass (graph_lean_cat.go).

// forwardGAP computes y = c(x) at inference and, when its work items cover
// whole columns, s = the global average of y (shape (n, filters)); it
// reports whether it computed s.
func (c *Conv2D) forwardGAP(y, x, s *Tensor) bool {
	co := &c.cat
	if co.gapFn == nil {
		co.gapFn = c.forwardDirectGAP
	}
	co.gap = s
	co.done.Store(false)
	direct := c.fwdDirect
	c.fwdDirect = co.gapFn
	c.Forward(y, x, false)
	c.fwdDirect = direct
	co.gap = nil
	return co.done.Load()
}

// forwardDirectGAP is forwardDirect followed, for an item of every row of
// its sample, by the pool's sums of the item's channels.
func (c *Conv2D) forwardDirectGAP(worker, item int) {
	c.forwardDirect(worker, item)
	if c.blocks != 1 || c.rows != c.g.oh {
		return
	}
	f := c.filters
	blk, j0 := item/c.cb, item%c.cb*c.cw
	j1 := min(j0+c.cw, f)
	y, s := c.y.Sample(blk), c.cat.gap.Sample(blk)[j0:j1]
	clear(s)
	for p := j0; p < len(y); p += f {
		sumRows(s, y[p:p+j1-j0])
	}
	inv := 1 / float32(c.g.oh*c.g.ow)
	for i := range s {
		s[i] *= inv
	}
	c.cat.catDone()
}
