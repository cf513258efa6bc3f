package nn

// Column-split convolutions on the im2col path, with the patches made once.
//
// splitColumns (conv2d_split.go) cuts a small-image forward pass into
// blocks of output channels, so that each worker streams its share of the
// kernel instead of all of it. On the direct path the blocks share the
// input read in place; on the im2col path (strided convolutions, ResNet's
// 3×3/2 and 1×1/2 layers), each block used to rebuild the whole image's
// patch matrix for itself: with 2 workers and 4 blocks, 4 copies of
// 0.45–1.8 MB where one is needed, ≈ 40 % of such a layer's CPU time at
// batch 1. Here the pass runs in two parallel loops instead:
//
//	1. im2col, items = bands of output rows, into one shared P×K matrix;
//	2. Y[:, j0:j1] = f(cols · K[:, j0:j1] + b[j0:j1]), items = column blocks.
//
// The second loop's products and bias/activation are those of the
// one-block-per-item path (the same GEMM calls on the same operands), so
// the output is the same; the patch matrix is one buffer for the layer,
// not one per worker.

// splitIm2col is the state of the two loops.
type splitIm2col struct {
	cols    []float32 // the patch matrix of the batch, sample by sample
	bands   int       // im2col items per sample (bands of output rows)
	im, mul func(worker, i int)
}

// sharedIm2col reports whether this forward call takes the two-loop path:
// column blocks (splitColumns) on the im2col path of an ungrouped
// convolution, with more than one worker.
func (c *Conv2D) sharedIm2col() bool {
	return c.cb > 1 && !c.depthwise && !c.grouped && c.eng.workers() > 1
}

// forwardSharedIm2col is Forward's im2col path for sharedIm2col calls
// (c.x, c.y and the packed kernel set by Forward).
func (c *Conv2D) forwardSharedIm2col(n int) {
	s, g := &c.split2, &c.g
	p := g.oh * g.ow
	if size := n * p * c.k; len(s.cols) < size {
		s.cols = make([]float32, size)
	}
	// About two bands per worker, so that a late helper is not waited
	// for, as even as possible (the larger first).
	w := c.eng.workers()
	s.bands = min(g.oh, (2*w+n-1)/n)
	if s.im == nil {
		s.im, s.mul = c.sharedIm2colBand, c.sharedIm2colColumns
	}
	c.eng.parallelFor(n*s.bands, s.im)
	c.eng.parallelFor(n*c.cb, s.mul)
}

// sharedIm2colBand writes the patches of one band of output rows of one
// sample.
func (c *Conv2D) sharedIm2colBand(_, item int) {
	s, g := &c.split2, &c.g
	n, b := item/s.bands, item%s.bands
	q, r := g.oh/s.bands, g.oh%s.bands
	r0 := b*q + min(b, r)
	r1 := r0 + q
	if b < r {
		r1++
	}
	p := g.oh * g.ow
	cols := s.cols[(n*p+r0*g.ow)*c.k : (n*p+r1*g.ow)*c.k]
	g.im2col(cols, c.x.Sample(n), r0, r1)
}

// sharedIm2colColumns computes output channels [j0, j1) of one sample from
// the shared patches.
func (c *Conv2D) sharedIm2colColumns(_, item int) {
	s, g := &c.split2, &c.g
	n, j0 := item/c.cb, item%c.cb*c.cw
	j1 := min(j0+c.cw, c.filters)
	p := g.oh * g.ow
	cols := s.cols[n*p*c.k : (n+1)*p*c.k]
	c.im2colColumns(c.y.Sample(n), cols, p, j0, j1)
}
