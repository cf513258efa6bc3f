package nn

// Graph.Predict's Concatenate inputs written in place. A Conv2D read only
// by a Concatenate computes, in Predict, straight into its channels of the
// Concatenate's output (conv2d_catout.go), and the Concatenate copies only
// the inputs that were not written so (another layer, or a convolution
// path without strided work items). The Concatenate's buffer is then held
// from the first such convolution's step (planPredict), so that it is
// disjoint from every buffer those steps read; the convolutions keep their
// own buffers, which the fallback path writes.
//
// Likewise a Conv2D read only by a GlobalAveragePooling2D computes the
// pool's output in its own work items where it can (conv2d_gapout.go); the
// pool's buffer is then held from the convolution's step, and the pool
// runs on its own only when the convolution did not compute it. And a
// residual Add whose convolution takes the 1×1 path runs in that path's
// items (conv2d_pwres.go).

// catFusion enables the in-place Concatenate inputs in Predict, gapFusion
// the pools computed by their convolutions (tests and benchmarks turn them
// off to compare).
var catFusion, gapFusion = true, true

// catStep is Predict's plan for one node taking part in an in-place
// Concatenate, a pool computed by its convolution or a residual Add in the
// 1×1 items.
type catStep struct {
	cat   *node      // a convolution: the Concatenate it writes into
	off   int        // ... and its first channel there
	wrote bool       // ... and whether this pass wrote there (else its own map)
	parts []*catStep // a Concatenate: per input, the convolution's step or nil
	gap   *node      // a convolution: the GlobalAveragePooling2D it computes (wrote: it did)
	gapOf *catStep   // a GlobalAveragePooling2D: its convolution's step
	resPW bool       // a residual Add: run with its convolution's 1×1 items (conv2d_pwres.go)
}

// planCat fills p.cat for the graph's Concatenates (nil when none is
// fused) and moves each fused Concatenate's first step (start) to its
// first fused input's.
func (g *Graph) planCat(p *leanPlan, start []int) {
	p.cat, p.catOn, p.gapOn, p.resPWOn = nil, catFusion, gapFusion, resPWFusion
	g.planGAP(p, start)
	g.planResPW(p)
	if !catFusion {
		return
	}
	for i, n := range g.order {
		cc, ok := n.merge.(*Concatenate)
		if !ok || p.exec[i] != i || len(cc.chans) != len(n.in) {
			continue
		}
		var parts []*catStep
		off := 0
		for k, src := range n.in {
			if catInputOK(g, p, src) {
				if parts == nil {
					parts = make([]*catStep, len(n.in))
				}
				parts[k] = &catStep{cat: n, off: off}
				j := p.pos[src]
				start[i] = min(start[i], p.exec[j])
			}
			off += cc.chans[k]
		}
		if parts == nil {
			continue
		}
		if p.cat == nil {
			p.cat = make([]*catStep, len(g.order))
		}
		p.cat[i] = &catStep{parts: parts}
		for k, src := range n.in {
			if parts[k] != nil {
				p.cat[p.pos[src]] = parts[k]
			}
		}
	}
}

// catInputOK reports whether node n may write into the Concatenate reading
// it: a Conv2D computed at its own step, read by that Concatenate alone,
// not an output and not fused with anything.
func catInputOK(g *Graph, p *leanPlan, n *node) bool {
	if n == g.inNode || n.consumers != 1 || n.isOutput || n.fusedPool != nil || n.actInto != nil || n.resSkip {
		return false
	}
	if _, ok := n.layer.(*Conv2D); !ok {
		return false
	}
	j := p.pos[n]
	return p.exec[j] == j
}

// planGAP fills p.cat's entries for the convolutions that compute their
// GlobalAveragePooling2D, and moves each such pool's first step to its
// convolution's.
func (g *Graph) planGAP(p *leanPlan, start []int) {
	if !gapFusion {
		return
	}
	for i, m := range g.order {
		if _, ok := m.layer.(*GlobalAveragePooling2D); !ok || p.exec[i] != i || len(m.in) != 1 || !catInputOK(g, p, m.in[0]) {
			continue
		}
		if p.cat == nil {
			p.cat = make([]*catStep, len(g.order))
		}
		j := p.pos[m.in[0]]
		conv := &catStep{gap: m}
		p.cat[j], p.cat[i] = conv, &catStep{gapOf: conv}
		start[i] = min(start[i], p.exec[j])
	}
}

// planResPW marks the residual Adds fused with their convolution
// (conv2d_residual.go) whose convolution takes the 1×1 path: Predict runs
// them with forwardResNodePW. The buffers are planned as for
// forwardResNode (execSteps).
func (g *Graph) planResPW(p *leanPlan) {
	if !resPWFusion || !resFusion {
		return
	}
	for i, a := range g.order {
		if a.resConv == nil || p.exec[i] != i {
			continue
		}
		if c, ok := a.resConv.layer.(*Conv2D); !ok || !c.pointwiseOK() {
			continue
		}
		if p.cat == nil {
			p.cat = make([]*catStep, len(g.order))
		}
		p.cat[i] = &catStep{resPW: true}
	}
}

// runCat runs node n of Predict's plan step s: a convolution into its
// Concatenate's output, or with its pool; a pool its convolution did not
// compute; or a Concatenate copying the inputs not written in place.
func (g *Graph) runCat(n *node, s *catStep) {
	switch {
	case s.cat != nil:
		s.wrote = n.layer.(*Conv2D).forwardCat(n.out, n.in[0].out, s.cat.out, s.off)
		return
	case s.gap != nil:
		s.wrote = n.layer.(*Conv2D).forwardGAP(n.out, n.in[0].out, s.gap.out)
		return
	case s.resPW:
		g.forwardResNodePW(n)
		return
	case s.gapOf != nil:
		if !s.gapOf.wrote {
			n.layer.Forward(n.out, n.in[0].out, false)
		}
		return
	}
	y := n.out
	ld := y.Shape[len(y.Shape)-1]
	off := 0
	for k, src := range n.in {
		x := src.out
		c := x.Shape[len(x.Shape)-1]
		if s.parts[k] == nil || !s.parts[k].wrote {
			copyChannels(y.Data[off:], ld, x.Data, c)
		}
		off += c
	}
}

// copyChannels copies the pixels of x (c channels each) into y, whose
// pixels are ld apart.
func copyChannels(y []float32, ld int, x []float32, c int) {
	for p, q := 0, 0; p < len(x); p, q = p+c, q+ld {
		copy(y[q:q+c], x[p:p+c])
	}
}
