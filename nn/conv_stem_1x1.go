package nn

import "github.com/convscope/convscope/nn/sgemm"

// Strided 1×1 convolutions (ResNet's downsampling shortcuts, 1×1 stride 2)
// without im2col. Output pixel (i, j) reads the cin contiguous floats of
// input pixel (i·sh, j·sw), so output row i is a product of its own whose
// A is the input read from row i·sh with a row stride of sw·cin floats:
//
//	Y[i, j, :] = X[i·sh, j·sw, :] · K      (K: cin × cout)
//
// written straight into the output, then the bias and activation in place.
// im2col copied every sampled pixel into a patch matrix first (a quarter of
// the input at stride 2); on two workers the layers with few pixels also
// made that copy in a loop of its own (split_im2col.go). The products are
// im2col's, row for row, so the output is bit for bit the same
// (TestConv1x1StridedMatchesIm2col).

// strided1x1OK reports whether this call takes the 1×1 strided path:
// nn/sgemm, a 1×1 kernel with a stride above 1, no padding, groups or
// dilation, and output rows of at least strided1x1MinWidth pixels.
func (c *Conv2D) strided1x1OK() bool {
	g := &c.g
	o := &c.eng.opts
	return !o.stemOff && !o.convDirectOff && !o.strided1x1Off && c.eng.sgemm() && g.kh == 1 && g.kw == 1 &&
		(g.sh > 1 || g.sw > 1) && g.pt+g.pl+g.pb+g.pr == 0 && c.groups == 1 && g.dh == 1 && g.dw == 1 &&
		g.ow >= strided1x1MinWidth
}

// strided1x1MinWidth is the narrowest output row the 1×1 strided path
// takes. Each row is a product of its own, which reads the whole kernel:
// ResNet-18's 14→7 shortcut (7 pixels a row, a 512 KB kernel) took 16 %
// longer than im2col's one product over 49 pixels (one core, inside the
// network), its 56→28 one (28 a row) 17 % less, the 28→14 one (14) the
// same (BENCHMARKS.md).
const strided1x1MinWidth = 14

// forward1x1Strided is Forward on the 1×1 strided path (c.rows, c.blocks,
// c.cb, c.cw and c.packed set by Forward).
func (c *Conv2D) forward1x1Strided(y, x *Tensor) {
	st := &c.stem
	if st.pointwise == nil {
		st.pointwise = c.strided1x1Item
	}
	c.preparePackedFor(false)
	c.x, c.y = x, y
	c.eng.parallelFor(x.Batch()*c.blocks*c.cb, st.pointwise)
	c.x, c.y = nil, nil
}

// strided1x1Item computes one block of output rows (and output channels
// [j0, j1)) of one sample: one product per output row into y, then y =
// f(y + b).
func (c *Conv2D) strided1x1Item(_, item int) {
	g := &c.g
	f, cin := c.filters, g.c
	blk, j0 := item/c.cb, item%c.cb*c.cw
	j1 := min(j0+c.cw, f)
	n, r0 := blk/c.blocks, blk%c.blocks*c.rows
	r1 := min(r0+c.rows, g.oh)
	x, y := c.x.Sample(n), c.y.Sample(n)
	packed := len(c.packs) == 1 && c.packedColumns(j0)
	for i := r0; i < r1; i++ {
		a := x[i*g.sh*g.w*cin:]
		out := y[i*g.ow*f+j0:]
		if packed {
			gemmPackedRow(g.ow, j0, j1, a, g.sw*cin, c.packs, 0, 0, out, f, g.ow, g.ow)
		} else {
			sgemm.GemmOverlap(false, false, g.ow, j1-j0, cin, 1, a, g.sw*cin, c.kernel.Value[j0:], f, 0, out, f)
		}
	}
	c.biasActInPlace(y[r0*g.ow*f:r1*g.ow*f], j0, j1) // conv2d_im2col.go
	if c.pa.out != nil {                             // conv2d_postact.go: the activation node's rows
		c.actItem(item)
	}
}
