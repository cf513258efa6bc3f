package nn

import (
	"sync/atomic"
)

// A convolution whose only reader is a Concatenate (SqueezeNet's fire
// modules: expand1x1 and expand3x3 side by side) writes, in Graph.Predict,
// its output straight into its slice of channels of the Concatenate's
// output: the pixels there are ld = Σ inputs' channels apart instead of
// filters, so the store of each output tile lands at
//
//	cat[n, i, j, off + o] = f(conv(x)[n, i, j, o] + b[o]),   o < filters,
//
// and the Concatenate's copy (read both maps, write the joined one: 7–9 %
// of SqueezeNet's pass) goes away. Predict keeps no other output, so the
// convolution's own map is not needed; Forward, which keeps every node's
// output for the grid, does not take this path. The 1×1 path
// (pointwise_conv.go) and the Winograd path (winograd.go) hand their output
// pixel stride to their kernels anyway; their work items are run here with
// ld and the slice's base instead of filters and the map's. Any other path
// computes the convolution's own map as before and forwardCat reports it,
// so that the Concatenate copies that input (graph_lean_cat.go). The values
// are the same kernels' on the same operands in the same order, so
// Predict's outputs are bit for bit Forward's (TestPredictConcatInto).

// catOut is a Conv2D's state while it writes into a Concatenate's output.
type catOut struct {
	y        *Tensor // the Concatenate's output
	off, ld  int     // the first channel of this input there, channels per pixel
	done     atomic.Bool
	pw, wino func(worker, item int) // the work items below, stored once
	gap      *Tensor                // forwardGAP: the pool's output (conv2d_gapout.go)
	gapFn    func(worker, item int) // forwardDirectGAP, stored once
	resFn    func(worker, item int) // pointwiseItemRes (conv2d_pwres.go), stored once
}

// forwardCat computes y = c(x) at inference into channels [off,
// off+filters) of cat (shape (n, oh, ow, ld)) and reports whether it did;
// when it did not (a path without strided items), it computed y.
func (c *Conv2D) forwardCat(y, x, cat *Tensor, off int) bool {
	co := &c.cat
	if co.pw == nil {
		co.pw, co.wino = c.pointwiseItemCat, c.winogradItemCat
	}
	co.y, co.off, co.ld = cat, off, cat.Shape[len(cat.Shape)-1]
	co.done.Store(false)
	pw, wino := c.pw.fn, c.wino.fn
	c.pw.fn, c.wino.fn = co.pw, co.wino
	c.Forward(y, x, false)
	c.pw.fn, c.wino.fn = pw, wino
	co.y = nil
	return co.done.Load()
}

// catDone records that a work item wrote into the Concatenate's output.
func (co *catOut) catDone() {
	if !co.done.Load() {
		co.done.Store(true)
	}
}

// pointwiseItemCat is pointwiseItem (pointwise_conv.go) writing pixels
// co.ld apart from channel co.off of the Concatenate's output.
func (c *Conv2D) pointwiseItemCat(worker, item int) {
	pw, co := &c.pw, &c.cat
	cin, f, ld := c.g.c, c.filters, co.ld
	grp := item % pw.groups
	item /= pw.groups
	n, p0 := item/pw.chunks, item%pw.chunks*pw.chunk
	p1 := min(p0+pw.chunk, c.g.h*c.g.w)
	j0, j1 := grp*pw.gw, min(grp*pw.gw+pw.gw, f)
	bias := c.stem.zero
	if c.bias != nil {
		bias = c.bias.Value
	}
	x, y := c.x.Sample(n), co.y.Sample(n)[co.off:]
	cw := 16 * pw.v
	full := (p1 - p0) / pw.p
	rest := (p1 - p0) % pw.p
	var xt, yt []float32
	q := p0 + full*pw.p
	if rest > 0 { // the last tile's pixels, zero-padded to a whole tile
		xt, yt = pw.xt[worker], pw.yt[worker]
		copy(xt, x[q*cin:p1*cin])
		clear(xt[rest*cin:])
	}
	for j := j0; j < j1; j += cw {
		k, ldk := c.kernel.Value[j:], f
		if pw.packed {
			k, ldk = pw.kp[j*cin:], cw
		}
		if full > 0 {
			stemTiles(pw.v, pw.p, y[p0*ld+j:], ld, x[p0*cin:], cin, 0, k, ldk, 1, cin, bias[j:j+cw], full, pw.lo, pw.hi, c.eng.opts.stemGo)
		}
		if rest > 0 {
			stemTiles(pw.v, pw.p, yt, cw, xt, cin, 0, k, ldk, 1, cin, bias[j:j+cw], 1, pw.lo, pw.hi, c.eng.opts.stemGo)
			for p := 0; p < rest; p++ {
				copy(y[(q+p)*ld+j:][:cw], yt[p*cw:])
			}
		}
	}
	co.catDone()
}

// winogradItemCat is winogradItem (winograd.go) writing pixels cat.ld apart
// from channel cat.off of the Concatenate's output (never with a fused
// pooling: Forward runs the path without one).
func (c *Conv2D) winogradItemCat(worker, item int) {
	c.winogradBand(worker, item, c.cat.y, c.cat.off, c.cat.ld)
	c.cat.catDone()
}
