package nn

import (
	"fmt"
	"slices"
	"strings"
)

// Graph.Backward and BackwardWith (the bookkeeping is in graph_grads.go).

// BackwardOptions selects what Graph.BackwardWith computes. The zero value
// is Backward: the gradient flows from the graph's outputs to every weight.
type BackwardOptions struct {
	// From names the nodes whose output gradients the dys arguments are,
	// one each; default: the graph's outputs, in order. Any node may be
	// named: explanations inject a gradient at a hidden layer.
	From []string
	// StopAt, if set, ends the pass once the gradient at this node's
	// output is complete (Grad-CAM reads it there): only nodes that read
	// StopAt's output, directly or not, are back-propagated.
	StopAt string
	// SkipWeights leaves every Param.Grad unchanged: only gradients of node
	// outputs (and of the input) are computed.
	SkipWeights bool
	// InputGrad also computes dLoss/dinput, read with Grad(GraphInput).
	InputGrad bool
	// FromLogits and Guided are the explanations' options (backward_opts.go).
	// FromLogits: dys are gradients of the From nodes' pre-activation
	// (their logits), not of their outputs. Guided: the guided-backprop
	// rule at every ReLU.
	FromLogits, Guided bool
}

// Backward back-propagates dy = dLoss/d(output) from the graph's single
// output after a Forward, leaving dLoss/dParam in every Param.Grad (and
// dLoss/d(output) of every node in Grad). It panics if dy has the wrong
// shape or the graph has several outputs (use BackwardWith).
func (g *Graph) Backward(dy *Tensor) {
	g.mustBeBuilt("Backward")
	if len(g.outs) != 1 {
		panic(fmt.Sprintf("nn: Graph.Backward: the graph has %d outputs; use BackwardWith with one gradient each", len(g.outs)))
	}
	g.dy1[0] = dy
	err := g.backward(BackwardOptions{}, g.dy1[:], true)
	g.dy1[0] = nil
	if err != nil {
		panic(err.Error())
	}
}

// BackwardWith back-propagates the gradients dys, one per node of o.From
// (default: per output), after a Forward (with training=false too: layers
// then differentiate their inference behaviour, e.g. BatchNormalization
// with its moving statistics). Gradients arriving at a node from several
// readers are summed. Errors report unknown node names, a wrong number of
// gradients or a gradient of the wrong shape.
func (g *Graph) BackwardWith(o BackwardOptions, dys ...*Tensor) error {
	g.mustBeBuilt("BackwardWith")
	return g.backward(o, dys, false)
}

func (g *Graph) backward(o BackwardOptions, dys []*Tensor, fuse bool) error {
	if g.batch == 0 || g.predictBuffersActive() {
		return fmt.Errorf("nn: Graph.Backward: call Forward first (Predict keeps only the outputs)")
	}
	if o.FromLogits {
		restore, err := g.fromLogits(&o) // backward_opts.go
		if err != nil {
			return err
		}
		defer restore()
	}
	from := g.outs
	if len(o.From) > 0 {
		g.from = append(g.from[:0], make([]*node, len(o.From))...)
		from = g.from
		for i, name := range o.From {
			if from[i] = g.byName[name]; from[i] == nil {
				return fmt.Errorf("nn: Graph.Backward: From: %q is not a node of the graph", name)
			}
		}
	}
	if len(dys) != len(from) {
		return fmt.Errorf("nn: Graph.Backward: expected %d gradients (one per node of From or per output), received %d", len(from), len(dys))
	}
	var stop *node
	if o.StopAt != "" {
		if stop = g.byName[o.StopAt]; stop == nil {
			return fmt.Errorf("nn: Graph.Backward: StopAt: %q is not a node of the graph", o.StopAt)
		}
		if o.InputGrad {
			return fmt.Errorf("nn: Graph.Backward: InputGrad and StopAt exclude each other (the pass ends at %q)", o.StopAt)
		}
	}
	for i, n := range from {
		if dys[i] == nil || !slices.Equal(dys[i].Shape, n.out.Shape) {
			got := "nil"
			if dys[i] != nil {
				got = shapeString(dys[i].Shape)
			}
			return fmt.Errorf("nn: Graph.Backward: %s: expected gradient shape %s, received %s", n.name, shapeString(n.out.Shape), got)
		}
	}
	g.mark(from, stop, o)
	if stop != nil && !stop.reached {
		return fmt.Errorf("nn: Graph.Backward: StopAt: no gradient reaches %q from %s", stop.name, nodeNames(from))
	}
	// Seed the gradients.
	for i, n := range from {
		if !n.useful {
			continue
		}
		g.gradBuf(n)
		if n.written {
			addTo(n.grad.Data, dys[i].Data)
		} else {
			copy(n.grad.Data, dys[i].Data)
			n.written = true
		}
	}
	if o.SkipWeights {
		g.swapGrads()
		g.skipWeightGrads(true)
		defer func() {
			g.skipWeightGrads(false)
			g.swapGrads()
		}()
	}
	for i := len(g.order) - 1; i >= 0; i-- {
		n := g.order[i]
		if !n.reached || !n.useful || n == stop {
			if !o.SkipWeights && !n.reached {
				for _, p := range n.params {
					clear(p.Grad) // no gradient reaches it
				}
			}
			continue
		}
		if fuse && n.fusedPool != nil && !n.source {
			continue // done with its pooling layer
		}
		if !n.written { // no reader passed a gradient: it is zero
			g.gradBuf(n)
			clear(n.grad.Data)
			n.written = true
		}
		if c := n.fusedInto; c != nil && fuse && !c.source && c.useful {
			// The pair (c, n) from n's output gradient; c's own output
			// gradient is never materialised.
			src := c.in[0]
			dx := g.target(src, 0, c)
			c.fuser.backwardPooled(dx, n.grad, src.out, c.out, n.out, n.layer.(*MaxPooling2D))
			g.accumulate(src, 0, c, dx)
			continue
		}
		if n.merge != nil {
			for j, src := range n.in {
				n.xs[j] = src.out
				n.dxs[j] = g.target(src, j, n)
			}
			n.merge.BackwardMerge(n.dxs[:len(n.in)], n.grad, n.xs, n.out)
			for j, src := range n.in {
				g.accumulate(src, j, n, n.dxs[j])
			}
			continue
		}
		src := n.in[0]
		dx := g.target(src, 0, n)
		if o.Guided && isReLU(n.layer) { // backward_opts.go
			clampPositive(n.grad.Data)
		}
		n.layer.Backward(dx, n.grad, src.out, n.out)
		g.accumulate(src, 0, n, dx)
	}
	return nil
}

func nodeNames(ns []*node) string {
	names := make([]string, len(ns))
	for i, n := range ns {
		names[i] = n.name
	}
	return strings.Join(names, ", ")
}
