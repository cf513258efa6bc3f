package nn

import "github.com/convscope/convscope/nn/sgemm"

// Pre-packed kernels for inference (Engine.PackWeights). nn/sgemm copies
// its B operand into the micro-kernel's panel layout on every call; for a
// convolution B is the kernel, so at batch 1 every inference re-reads and
// re-writes every deep layer's weights (ResNet-18's last 3×3 convolutions:
// 9.4 MB each) before multiplying. With PackWeights the layer packs its
// kernel once (sgemm.Pack) and later inference passes multiply with the
// packed copy (sgemm.GemmPacked):
//
//	direct path:  B_u = K[u] as (kw·cin) × cout, one per kernel row u
//	im2col path:  B   = K   as (kh·kw·cin) × cout
//
// The copy is dropped when the weights may have changed: Backward (the
// optimiser updates them next), Init, CopyWeightsFrom, loading weights, and
// WeightsChanged, which callers writing Param.Value directly must call.
// Training passes never use it.

// usePacked reports whether this inference call multiplies with packed
// kernels: PackWeights set, nn/sgemm as the BLAS, not in training, an
// ungrouped, non-depthwise, non-stacked convolution whose width nn/sgemm
// would pack on every call anyway (more than four panels, or ragged ones).
func (c *Conv2D) usePacked(training bool) bool {
	if !c.eng.PackWeights || training || !c.eng.sgemm() || c.depthwise || c.grouped {
		return false
	}
	nr := sgemm.PanelWidth()
	return c.filters > 4*nr || c.filters%nr != 0
}

// preparePacked packs the kernel for this call's path if the packed copy
// is missing (direct: one matrix per kernel row; im2col: one).
func (c *Conv2D) preparePacked(direct bool) {
	g := &c.g
	f := c.filters
	want := 1
	if direct {
		want = g.kh
	}
	if c.packOK && len(c.packs) == want {
		return
	}
	c.packs = append(c.packs[:0:0], make([]*sgemm.Packed, want)...)
	k := c.k
	if direct {
		k = g.kw * g.c
	}
	for u := range c.packs {
		c.packs[u] = sgemm.Pack(k, f, c.kernel.Value[u*k*f:], f)
	}
	c.packOK = true
}

// preparePackedFor packs the kernel when this call multiplies with packs.
func (c *Conv2D) preparePackedFor(direct bool) {
	if !c.packed {
		return
	}
	if direct && c.stacked() { // stacked rows multiply with kstk instead
		c.packed = false
		return
	}
	c.preparePacked(direct)
}

// weightsChanged drops the packed kernels (see Engine.PackWeights).
func (c *Conv2D) weightsChanged() {
	c.packOK, c.packs = false, nil
	c.wino.ok = false
	c.pw.ok = false // pointwise_conv.go
}

// packedColumns reports whether the packed kernels can serve output
// channels from j0 (a whole panel's start).
func (c *Conv2D) packedColumns(j0 int) bool {
	return c.packed && c.packOK && j0%sgemm.PanelWidth() == 0
}

// weightsNotifier is implemented by layers that cache something derived
// from their weights (Conv2D's packed kernels).
type weightsNotifier interface {
	weightsChanged()
}

// WeightsChanged tells g that parameter values were written directly
// (Param.Value), so that nothing derived from them is reused: Conv2D's
// packed kernels (Engine.PackWeights). CopyWeightsFrom, Init, Backward and
// loading weights call it themselves.
func (g *Graph) WeightsChanged() {
	for _, n := range g.nodes {
		if w, ok := n.base().(weightsNotifier); ok {
			w.weightsChanged()
		}
	}
}

// WeightsChanged tells m that parameter values were written directly (see
// Graph.WeightsChanged).
func (m *Sequential) WeightsChanged() {
	for _, l := range m.layers {
		if w, ok := l.(weightsNotifier); ok {
			w.weightsChanged()
		}
	}
}
