package nn

import (
	"fmt"
	"slices"
	"strings"
)

// This file runs a built Graph: Forward, Backward and the buffers they use.

// ensureBatch sizes every node's output buffer for batch size n (gradient
// buffers are allocated by the first Backward that needs them).
func (g *Graph) ensureBatch(n int) {
	if g.batch == n {
		return
	}
	g.batch = n
	for _, nd := range g.order {
		nd.out = NewTensor(append([]int{n}, nd.shape...)...)
		nd.grad, nd.acc = nil, nil
		nd.xs = make([]*Tensor, len(nd.in))
		nd.dxs = make([]*Tensor, len(nd.in)*2) // targets, then per-input scratch
	}
	g.inNode.grad, g.inNode.acc = nil, nil
	g.outTs = make([]*Tensor, len(g.outs))
}

func (g *Graph) mustBeBuilt(op string) {
	if !g.built {
		panic("nn: Graph." + op + ": the graph is not built (call Build after the last Add or SetOutputs)")
	}
}

// Forward runs the batch x (shape (n, input...)) through every node in
// topological order and returns the first output's value. Every node's
// output is kept until the next call (see Output); the tensors belong to the
// graph. training enables training-only behaviour (Dropout's masks,
// BatchNormalization's batch statistics). It panics if x has the wrong
// shape or the graph is not built.
func (g *Graph) Forward(x *Tensor, training bool) *Tensor {
	g.mustBeBuilt("Forward")
	if len(x.Shape) != len(g.input)+1 || !slices.Equal(x.Shape[1:], g.input) {
		panic(fmt.Sprintf("nn: Graph.Forward: expected input shape (n, %s), received %s", strings.Trim(shapeString(g.input), "(),"), shapeString(x.Shape)))
	}
	g.ensureBatch(x.Shape[0])
	g.inNode.out = x
	for _, n := range g.order {
		switch {
		case n.fusedInto != nil: // computed with its convolution
		case n.fusedPool != nil:
			n.fuser.forwardPooled(n.out, n.fusedPool.out, n.in[0].out, n.fusedPool.layer.(*MaxPooling2D), training)
		case n.merge != nil:
			for i, src := range n.in {
				n.xs[i] = src.out
			}
			n.merge.ForwardMerge(n.out, n.xs, training)
		default:
			n.layer.Forward(n.out, n.in[0].out, training)
		}
	}
	for i, n := range g.outs {
		g.outTs[i] = n.out
	}
	return g.outs[0].out
}

// Activations runs x in inference mode and returns every node's output in
// topological order (Nodes' order): the tutorial's activation model, for
// a graph. The tensors belong to the graph (see Output).
func (g *Graph) Activations(x *Tensor) []*Tensor {
	g.Forward(x, false)
	if len(g.acts) != len(g.order) {
		g.acts = make([]*Tensor, len(g.order))
	}
	for i, n := range g.order {
		g.acts[i] = n.out
	}
	return g.acts
}

// Predict runs x in inference mode and returns the first output.
func (g *Graph) Predict(x *Tensor) *Tensor { return g.Forward(x, false) }

// Outputs returns the value of every output of the last Forward, in
// output order.
func (g *Graph) Outputs() []*Tensor { return g.outTs }

// Output returns the named node's output from the last Forward (GraphInput
// gives the input), or nil if there is no such node or no Forward yet. The
// tensor belongs to the graph; Clone it to keep it past the next Forward.
func (g *Graph) Output(name string) *Tensor {
	if n := g.lookup(name); n != nil {
		return n.out
	}
	return nil
}

// Grad returns dLoss/d(output) of the named node (GraphInput: dLoss/dinput)
// from the last Backward, or nil where that Backward did not compute it:
// nodes outside the requested part of the graph, the graph input without
// BackwardOptions.InputGrad, and, after Backward (not BackwardWith), a
// Conv2D run fused with the MaxPooling2D that reads it.
func (g *Graph) Grad(name string) *Tensor {
	n := g.lookup(name)
	if n == nil || !n.written {
		return nil
	}
	return n.grad
}

func (g *Graph) lookup(name string) *node {
	if name == GraphInput {
		return g.inNode
	}
	if n := g.byName[name]; n != nil && g.built {
		return n
	}
	return nil
}

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
	if g.batch == 0 {
		return fmt.Errorf("nn: Graph.Backward: call Forward first")
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
