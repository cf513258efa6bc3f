package nn

import (
	"fmt"
	"slices"
	"strings"
)

// Graph.Forward and what it leaves to read: every node's output.

// ensureBatch sizes every node's output buffer for batch size n, all in
// one arena (graph_arena.go; gradient buffers are allocated by the first
// Backward that needs them).
func (g *Graph) ensureBatch(n int) {
	if g.batch == n {
		return
	}
	g.batch = n
	g.lean = nil // Predict's plan is for the old tensors
	total := 0
	for _, nd := range g.order {
		total += arenaStep(n * shapeSize(nd.shape))
	}
	arena := outputArena(total) // graph_arena.go: one block, huge pages
	for _, nd := range g.order {
		nd.out = arenaTensor(&arena, append([]int{n}, nd.shape...))
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
	g.start("Forward", x)
	g.useForwardBuffers() // graph_lean.go: after a Predict
	return g.run(x, training)
}

// start checks x and sizes the outputs for its batch.
func (g *Graph) start(op string, x *Tensor) {
	g.mustBeBuilt(op)
	if len(x.Shape) != len(g.input)+1 || !slices.Equal(x.Shape[1:], g.input) {
		panic(fmt.Sprintf("nn: Graph.%s: expected input shape (n, %s), received %s", op, strings.Trim(shapeString(g.input), "(),"), shapeString(x.Shape)))
	}
	g.ensureBatch(x.Shape[0])
}

// run computes every node in order into the nodes' out tensors.
func (g *Graph) run(x *Tensor, training bool) *Tensor {
	g.inNode.out = x
	var cat []*catStep // Predict: in-place Concatenate inputs, pools, residual Adds (graph_lean_cat.go)
	if p := g.lean; p != nil && p.active && !training {
		cat = p.cat
	}
	for i, n := range g.order {
		tr := training && !n.frozen // a frozen node runs in inference mode
		switch {
		case cat != nil && cat[i] != nil:
			g.runCat(n, cat[i])
		case n.fusedInto != nil: // computed with its convolution
		case n.actFrom != nil && !training && actFusion: // computed with its convolution (conv2d_postact.go)
		case n.resSkip && !training && resFusion: // computed with its Add (conv2d_residual.go)
		case n.resConv != nil && !training && resFusion:
			g.forwardResNode(n)
		case n.leanPool != nil && !training && g.predictBuffersActive():
			forwardLeanPool(n) // graph_lean_stem.go: the stem with its pooling
		case n.leanFrom != nil && n.leanFrom.leanRan && !training && g.predictBuffersActive():
		case n.actInto != nil && !training && actFusion:
			n.layer.(*Conv2D).forwardAct(n.out, n.actInto.out, n.in[0].out, n.actInto.layer.(rowActivation), n.actInto.layer)
		case n.fusedPool != nil:
			n.fuser.forwardPooled(n.out, n.fusedPool.out, n.in[0].out, n.fusedPool.layer.(*MaxPooling2D), tr)
		case n.merge != nil:
			for i, src := range n.in {
				n.xs[i] = src.out
			}
			n.merge.ForwardMerge(n.out, n.xs, tr)
		default:
			n.layer.Forward(n.out, n.in[0].out, tr)
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

// Predict runs x in inference mode and returns the first output (all of
// them: Outputs). Unlike Forward it keeps no other node's output: the
// nodes compute into a few buffers reused once their readers have run
// (graph_lean.go), which keeps the pass in the caches, so afterwards Output
// gives nil for every node but the outputs and Backward needs a Forward
// first. The tensors belong to the graph until its next pass.
func (g *Graph) Predict(x *Tensor) *Tensor {
	g.start("Predict", x)
	g.usePredictBuffers()
	return g.run(x, false)
}

// Outputs returns the value of every output of the last Forward, in
// output order.
func (g *Graph) Outputs() []*Tensor { return g.outTs }

// Output returns the named node's output from the last Forward (GraphInput
// gives the input), or nil if there is no such node, no Forward yet, or
// the last pass was a Predict and the node is not an output. The
// tensor belongs to the graph; Clone it to keep it past the next Forward.
func (g *Graph) Output(name string) *Tensor {
	if n := g.lookup(name); n != nil && (n.isOutput || n == g.inNode || !g.predictBuffersActive()) {
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
