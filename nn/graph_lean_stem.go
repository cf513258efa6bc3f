package nn

// Predict's stem + max pooling (conv_stem_pool.go) in the graph: which
// convolution computes which pooling node, and running it.

// planStemPools pairs each Conv2D whose only reader is a MaxPooling2D
// (neither an output nor fused otherwise) with that node, for Predict.
// Whether the pair runs as one pass is decided at each Predict
// (Conv2D.stemPoolOK); the buffer plan writes the pooling's output at the
// convolution's step either way.
func (g *Graph) planStemPools() {
	for _, n := range g.order {
		n.leanPool, n.leanFrom, n.leanRan = nil, nil, false
	}
	for _, m := range g.order {
		if _, ok := m.layer.(*MaxPooling2D); !ok || len(m.in) != 1 || m.fusedInto != nil || m.actFrom != nil || m.resSkip {
			continue
		}
		n := m.in[0]
		if _, ok := n.layer.(*Conv2D); !ok || n == g.inNode || n.consumers != 1 || n.isOutput ||
			n.fusedPool != nil || n.actInto != nil || n.resSkip || n.resConv != nil || n.leanPool != nil {
			continue
		}
		n.leanPool, m.leanFrom = m, n
	}
}

// forwardLeanPool runs the Conv2D node n and its pooling node n.leanPool
// as one pass when they can, else the convolution alone (the pooling node
// then runs at its own step).
func forwardLeanPool(n *node) {
	c, p := n.layer.(*Conv2D), n.leanPool.layer.(*MaxPooling2D)
	n.leanRan = c.stemPoolOK(p)
	if n.leanRan {
		c.forwardStemPool(n.leanPool.out, n.in[0].out, p)
		return
	}
	c.Forward(n.out, n.in[0].out, false)
}
