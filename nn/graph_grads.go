package nn

import "slices"

// The bookkeeping of Graph.backward: which nodes a pass visits, where each
// reader writes its input gradient, and how several readers' gradients add.

// mark sets, for one Backward, which nodes receive a gradient (reached:
// the From nodes and everything they read), which of those must pass it on
// (useful), and clears the written flags.
func (g *Graph) mark(from []*node, stop *node, o BackwardOptions) {
	for _, n := range g.order {
		n.reached, n.useful, n.written, n.descendant, n.source = false, false, false, false, false
	}
	g.inNode.reached, g.inNode.written = false, false
	for _, n := range from {
		n.reached, n.source = true, true
	}
	for i := len(g.order) - 1; i >= 0; i-- {
		if n := g.order[i]; n.reached {
			for _, src := range n.in {
				src.reached = true
			}
		}
	}
	// useful: the node's gradient leads somewhere wanted.
	g.inNode.useful = o.InputGrad && stop == nil
	for _, n := range g.order {
		if stop != nil {
			for _, src := range n.in {
				if src == stop || src.descendant {
					n.descendant = true
				}
			}
			n.useful = n == stop
			if n.descendant {
				for _, src := range n.in {
					n.useful = n.useful || src.useful
				}
			}
			continue
		}
		n.useful = !o.SkipWeights && len(n.params) > 0
		for _, src := range n.in {
			n.useful = n.useful || src.useful
		}
	}
}

// gradBuf makes sure n has a gradient buffer.
func (g *Graph) gradBuf(n *node) {
	if n.grad == nil {
		n.grad = NewTensor(append([]int{g.batch}, n.shape...)...)
	}
}

// target returns the buffer the reader r writes dLoss/d(src) into, for its
// input j: src's gradient itself if nothing was written there yet (and src
// is not r's input twice), else a scratch buffer that accumulate adds in.
// nil if src's gradient is not wanted.
func (g *Graph) target(src *node, j int, r *node) *Tensor {
	if !src.useful || !src.reached {
		return nil
	}
	g.gradBuf(src)
	if !src.written && !slices.Contains(r.in[:j], src) {
		return src.grad
	}
	if r.merge != nil { // per-input scratch: the same node may be read twice
		s := &r.dxs[len(r.in)+j]
		if *s == nil {
			*s = NewTensor(src.grad.Shape...)
		}
		return *s
	}
	if src.acc == nil {
		src.acc = NewTensor(src.grad.Shape...)
	}
	return src.acc
}

// accumulate adds what r wrote into dx (from target) to src's gradient.
func (g *Graph) accumulate(src *node, j int, r *node, dx *Tensor) {
	if dx == nil {
		return
	}
	if dx == src.grad {
		src.written = true
		return
	}
	if !src.written {
		copy(src.grad.Data, dx.Data)
		src.written = true
		return
	}
	addTo(src.grad.Data, dx.Data)
}

// weightSkipper is a layer that can leave its weight gradients out of a
// Backward (Conv2D and Dense: the products that need them are half the
// work).
type weightSkipper interface{ skipWeightGrads(skip bool) }

// skipWeightGrads sets every layer that can skip its weight gradients.
func (g *Graph) skipWeightGrads(skip bool) {
	for _, n := range g.order {
		if s, ok := n.layer.(weightSkipper); ok {
			s.skipWeightGrads(skip)
		}
	}
}

// swapGrads points every Param.Grad at its own part of a scratch buffer,
// or back: layers always write their weight gradients, and with SkipWeights
// they must not land in the parameters' own.
func (g *Graph) swapGrads() {
	if g.swapped == nil {
		size := 0
		for _, p := range g.params {
			size += len(p.Grad)
		}
		g.skipBuf = make([]float32, size)
		g.swapped = make([][]float32, len(g.params))
	}
	if !g.skipping {
		off := 0
		for i, p := range g.params {
			g.swapped[i] = p.Grad
			p.Grad = g.skipBuf[off : off+len(p.Grad)]
			off += len(p.Grad)
		}
	} else {
		for i, p := range g.params {
			p.Grad = g.swapped[i]
		}
	}
	g.skipping = !g.skipping
}
