package nn

import "sync/atomic"

// A convolution whose only reader is a residual Add (ResNet's second
// convolution of every basic block, y = relu(conv2(h) + shortcut)) runs, at
// inference, as one pass: each work item of the convolution computes its
// block of output rows z (bias and the layer's own activation included)
// and, while the block is still in cache, the Add's output for the same
// rows and, when the Add's only reader is an element-wise activation node
// (ResNet's ReLU), that node's output too:
//
//	z = conv(x) + b,   s = z + r,   a = f(s)      (r: the Add's other input)
//
// All three tensors are written, so the grid still finds each node's
// output (Graph.Output), and Backward is unchanged. What goes away is the
// Add's and the activation's passes over the whole maps (each read back
// from L2 or memory) and, on two cores, their two hand-offs per block.
// The sums and the activation are the separate layers' operations on the
// same values (a + b is exact to commute), so the outputs are bit for bit
// those of the unfused pass (TestResidualFusionMatches).
//
// Graph.Forward runs the triple at the Add's position in the topological
// order: the Add's other input (a downsampling shortcut comes after the
// convolution in torchvision's exports) is then computed. Paths whose work
// items are not hooked (the stem kernel, the strided path, shared im2col)
// fall back to the separate passes after the convolution.

// resFusion enables the fusion (tests and benchmarks turn it off to
// compare).
var resFusion = true

// resWinograd lets the Winograd path's bands compute the Add's rows too
// (off: on one core they took 0.02–0.04 ms longer per block than the
// separate passes, BENCHMARKS.md).
var resWinograd = false

// resFuse is a Conv2D's state for a fused residual Add (forwardResidual).
type resFuse struct {
	short, sum, out *Tensor       // the Add's other input, its output, the activation's output
	act             rowActivation // the activation node's layer, or nil
	lo, hi          float32       // act as a clamp (ReLU, ReLU6, Clip), when clamp
	clamp           bool
	xs              [2]*Tensor  // the Add's inputs, for the separate pass
	done            atomic.Bool // a work item computed its rows
	item, direct    func(worker, i int)
	wino            func(worker, i int)
}

// forwardResidual computes y = c(x), sum = y + short and, when act is not
// nil, out = act(sum), at inference (see above). addLayer and actLayer are
// the Add's and the activation's layers, run on their own when the
// convolution's path has no row items.
func (c *Conv2D) forwardResidual(y, sum, out, short, x *Tensor, addLayer MergeLayer, act Layer) {
	r := &c.res
	if r.item == nil {
		r.item, r.direct, r.wino = c.forwardItemRes, c.forwardDirectRes, c.winogradItemRes
	}
	r.short, r.sum, r.out, r.act = short, sum, out, nil
	r.clamp = false
	if act != nil {
		r.act = act.(rowActivation)
		r.lo, r.hi, r.clamp = clampLayer(act)
	}
	r.done.Store(false)
	item, direct, wino := c.fwd, c.fwdDirect, c.wino.fn
	c.fwd, c.fwdDirect = r.item, r.direct
	if resWinograd {
		c.wino.fn = r.wino
	}
	c.Forward(y, x, false)
	c.fwd, c.fwdDirect, c.wino.fn = item, direct, wino
	if !r.done.Load() { // a path without hooked row items
		r.xs = [2]*Tensor{y, short}
		addLayer.ForwardMerge(sum, r.xs[:], false)
		r.xs = [2]*Tensor{}
		if act != nil {
			act.Forward(out, sum, false)
		}
	}
	r.short, r.sum, r.out, r.act = nil, nil, nil, nil
}

// clampLayer reports whether l computes min(max(x, lo), hi) with
// clampTo (a plain ReLU, ReLU6, Clip), and its bounds.
func clampLayer(l Layer) (lo, hi float32, ok bool) {
	switch p := l.(type) {
	case *ReLU:
		if p.op == pwReLU && p.b == 0 && p.t == 0 {
			return 0, p.a, true
		}
	case *Clip:
		return p.a, p.b, true
	}
	return 0, 0, false
}

// forwardItemRes is forwardItem followed by the residual rows of its item.
func (c *Conv2D) forwardItemRes(worker, item int) {
	c.forwardItem(worker, item)
	c.resItem(item, c.cb, c.cw, c.blocks, c.rows)
}

// forwardDirectRes is forwardDirect followed by the residual rows of its
// item.
func (c *Conv2D) forwardDirectRes(worker, item int) {
	c.forwardDirect(worker, item)
	c.resItem(item, c.cb, c.cw, c.blocks, c.rows)
}

// winogradItemRes is winogradItem followed by the residual rows of its
// band (tile rows of wg.tile output rows).
func (c *Conv2D) winogradItemRes(worker, item int) {
	c.winogradItem(worker, item)
	wg := &c.wino
	c.resItem(item, wg.cb, wg.cw, wg.blocks, wg.band*wg.tile)
}

// resItem computes the Add (and activation) outputs of work item item:
// rows [r0, r1) of one sample, channels [j0, j1), for items cut into
// blocks of rows output rows, blocks per sample, and cb column blocks of
// cw channels.
func (c *Conv2D) resItem(item, cb, cw, blocks, rows int) {
	g := &c.g
	f := c.filters
	blk, j0 := item/cb, item%cb*cw
	j1 := min(j0+cw, f)
	n, r0 := blk/blocks, blk%blocks*rows
	r1 := min(r0+rows, g.oh)
	c.resRange(n, r0*g.ow*f, r1*g.ow*f, j0, j1)
}

// resRange adds the shortcut to values [lo, hi) of sample n's output,
// channels [j0, j1) of each pixel (all of them at once when that is every
// channel), into the sum and, with an activation, its output; the first
// call marks the residual done.
func (c *Conv2D) resRange(n, lo, hi, j0, j1 int) {
	r := &c.res
	f := c.filters
	y, s, sum := c.y.Sample(n)[lo:hi], r.short.Sample(n)[lo:hi], r.sum.Sample(n)[lo:hi]
	var out []float32
	if r.act != nil {
		out = r.out.Sample(n)[lo:hi]
	}
	if j0 == 0 && j1 == f {
		r.rows(sum, out, y, s)
	} else {
		for o := 0; o < len(y); o += f {
			var ot []float32
			if out != nil {
				ot = out[o+j0 : o+j1]
			}
			r.rows(sum[o+j0:o+j1], ot, y[o+j0:o+j1], s[o+j0:o+j1])
		}
	}
	if !r.done.Load() {
		r.done.Store(true)
	}
}

// rows computes sum = y + s and, with an activation, out = act(sum).
func (r *resFuse) rows(sum, out, y, s []float32) {
	switch {
	case r.act == nil:
		add2(sum, y, s)
	case r.clamp:
		addClamp(sum, out, y, s, r.lo, r.hi)
	default:
		add2(sum, y, s)
		r.act.actRows(out, sum)
	}
}

// addClamp computes sum = a + b and out = min(max(sum, lo), hi) in one
// pass (len(sum) values): Add then clampTo, fused.
func addClamp(sum, out, a, b []float32, lo, hi float32) {
	a, b, out = a[:len(sum)], b[:len(sum)], out[:len(sum)]
	n := len(sum) &^ 7
	if useSIMD && n > 0 {
		addClampAVX2(&sum[0], &out[0], &a[0], &b[0], n, lo, hi)
		sum, out, a, b = sum[n:], out[n:], a[n:], b[n:]
	}
	addClampGo(sum, out, a, b, lo, hi)
}

// addClampGo is addClamp in Go.
func addClampGo(sum, out, a, b []float32, lo, hi float32) {
	a, b, out = a[:len(sum)], b[:len(sum)], out[:len(sum)]
	for i := range sum {
		v := a[i] + b[i]
		sum[i] = v
		if v < lo {
			v = lo
		}
		if v > hi {
			v = hi
		}
		out[i] = v
	}
}

// planResFusion pairs each Conv2D whose only reader is a two-input Add
// with that Add and, when the Add's only reader is an element-wise
// activation node, with the activation too; Graph.Forward then runs them
// together at inference (forwardResidual). Call after planActFusion.
func (g *Graph) planResFusion() {
	for _, n := range g.order {
		n.resConv, n.resAct, n.resSkip = nil, nil, false
	}
	if g.eng.opts.fuseOff {
		return
	}
	for _, a := range g.order {
		if _, ok := a.merge.(*Add); !ok || len(a.in) != 2 || a.in[0] == a.in[1] {
			continue
		}
		// Prefer a stride-1 convolution (ResNet's second 3×3 rather than a
		// 1×1/2 shortcut): its paths have hooked row items.
		var conv *node
		for _, n := range a.in {
			if resConvOK(g, n) && (conv == nil || n.layer.(*Conv2D).strides == [2]int{1, 1}) {
				conv = n
			}
		}
		if conv == nil {
			continue
		}
		a.resConv, conv.resSkip = conv, true
		if a.consumers != 1 || a.isOutput {
			continue
		}
		for _, m := range g.order {
			if len(m.in) == 1 && m.in[0] == a && m.layer != nil && m.actFrom == nil && m.fusedInto == nil {
				if _, ok := m.layer.(rowActivation); ok {
					a.resAct, m.resSkip = m, true
				}
				break
			}
		}
	}
}

// resConvOK reports whether node n can run fused with the Add reading it:
// a Conv2D read by that Add alone and not fused with anything else.
func resConvOK(g *Graph, n *node) bool {
	if n == g.inNode || n.consumers != 1 || n.isOutput || n.fusedPool != nil || n.actInto != nil || n.resSkip {
		return false
	}
	c, ok := n.layer.(*Conv2D)
	return ok && !c.depthwise
}

// forwardResNode runs the Add node a with its fused convolution (and
// activation) at inference.
func (g *Graph) forwardResNode(a *node) {
	conv := a.resConv
	short := a.in[0]
	if short == conv {
		short = a.in[1]
	}
	var out *Tensor
	var act Layer
	if a.resAct != nil {
		out, act = a.resAct.out, a.resAct.layer
	}
	conv.layer.(*Conv2D).forwardResidual(conv.out, a.out, out, short.out, conv.in[0].out, a.merge, act)
}
