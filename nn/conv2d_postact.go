package nn

import "sync/atomic"

// A convolution followed by an element-wise activation node (SiLU,
// HardSwish, ReLU, Clip, …: EfficientNet's and MobileNetV3's convolutions
// are each read by one such node) runs, at inference, as one pass: each
// work item of the convolution computes its block of output rows z (bias
// and the layer's own activation included) and, while the block is still
// in cache, the activation node's output a = f(z) for the same rows:
//
//	z[n, i, j, o] = conv(x)[n, i, j, o] + b[o],   a[n, i, j, o] = f(z[n, i, j, o])
//
// Both tensors are written, so the grid still finds each node's output
// (Graph.Output), and Backward is unchanged; only the activation node's
// separate pass over z (read back from memory: every kept output of a
// MobileNet is far larger than the caches) goes away. Paths whose items do
// not cover whole rows of the output (Winograd) leave the activation to its
// own layer after the convolution, as before.

// rowActivation is an element-wise layer whose forward pass a convolution
// may run on its own output rows: actRows computes y = f(x) for len(y)
// values (y does not alias x).
type rowActivation interface {
	actRows(y, x []float32)
}

// actFusion enables the fusion (tests and benchmarks turn it off to
// compare).
var actFusion = true

// postAct is a Conv2D's state for a fused activation (forwardAct).
type postAct struct {
	out          *Tensor // the activation node's output, during forwardAct
	act          rowActivation
	done         atomic.Bool // a work item computed its rows of out
	item, direct func(worker, i int)
}

// actRows computes y = x·σ(x) (SiLU's forward pass on a slice).
func (s *SiLU) actRows(y, x []float32) { silu(y, x) }

// actRows computes y = f(x) (the pointwise layer's forward pass on a
// slice).
func (p *pointwise) actRows(y, x []float32) {
	if p.op == pwIdentity {
		copy(y, x)
		return
	}
	p.apply(y, x)
}

// forwardAct computes y = c(x) and a = act(y) at inference (see above).
func (c *Conv2D) forwardAct(y, a, x *Tensor, act rowActivation, actLayer Layer) {
	pa := &c.pa
	if pa.item == nil {
		pa.item, pa.direct = c.forwardItemAct, c.forwardDirectAct
	}
	item, direct := c.fwd, c.fwdDirect
	pa.out, pa.act = a, act
	pa.done.Store(false)
	c.fwd, c.fwdDirect = pa.item, pa.direct
	c.Forward(y, x, false)
	c.fwd, c.fwdDirect = item, direct
	pa.out, pa.act = nil, nil
	if !pa.done.Load() { // a path without row items (Winograd)
		actLayer.Forward(a, y, false)
	}
}

// forwardItemAct is forwardItem followed by the activation of its rows.
func (c *Conv2D) forwardItemAct(worker, item int) {
	c.forwardItem(worker, item)
	c.actItem(item)
}

// forwardDirectAct is forwardDirect followed by the activation of its rows.
func (c *Conv2D) forwardDirectAct(worker, item int) {
	c.forwardDirect(worker, item)
	c.actItem(item)
}

// actItem computes the fused activation of work item item's output: rows
// [r0, r1) of one sample, channels [j0, j1) (all of them unless the
// item's columns are split).
func (c *Conv2D) actItem(item int) {
	pa := &c.pa
	g := &c.g
	f := c.filters
	blk, j0 := item/c.cb, item%c.cb*c.cw
	j1 := min(j0+c.cw, f)
	n, r0 := blk/c.blocks, blk%c.blocks*c.rows
	r1 := min(r0+c.rows, g.oh)
	lo, hi := r0*g.ow*f, r1*g.ow*f
	y, a := c.y.Sample(n)[lo:hi], pa.out.Sample(n)[lo:hi]
	if j0 == 0 && j1 == f {
		pa.act.actRows(a, y)
	} else {
		for o := 0; o < len(y); o += f {
			pa.act.actRows(a[o+j0:o+j1], y[o+j0:o+j1])
		}
	}
	if !pa.done.Load() {
		pa.done.Store(true)
	}
}

// planActFusion pairs each Conv2D whose only reader is an element-wise
// activation node (a rowActivation) with it; Graph.Forward then runs the
// pair with forwardAct at inference. Call after planFusion.
func (g *Graph) planActFusion() {
	for _, n := range g.order {
		n.actInto, n.actFrom = nil, nil
	}
	if g.eng.opts.fuseOff {
		return
	}
	for _, m := range g.order {
		if m.layer == nil || len(m.in) != 1 {
			continue
		}
		if _, ok := m.layer.(rowActivation); !ok {
			continue
		}
		n := m.in[0]
		if n == g.inNode || n.consumers != 1 || n.fusedPool != nil || n.actInto != nil {
			continue
		}
		if _, ok := n.layer.(*Conv2D); ok {
			n.actInto, m.actFrom = m, n
		}
	}
}
