package nn

import (
	"fmt"
	"slices"
	"strings"
)

// Graph.Build: order, shapes, weights, fusion, limits.

// Build checks and orders the graph: every input must name a node or
// GraphInput, there must be no cycle, and each layer must accept its
// inputs' shapes (the layer's Build). It then allocates and initialises the
// weights (seed 0, see Init). Errors name the node at fault.
func (g *Graph) Build() error {
	g.built = false
	if len(g.nodes) == 0 {
		return fmt.Errorf("nn: graph: no nodes (Add at least one layer)")
	}
	if len(g.input) == 0 || slices.ContainsFunc(g.input, func(d int) bool { return d <= 0 }) {
		return fmt.Errorf("nn: graph: expected an input shape of positive dimensions, received %s", shapeString(g.input))
	}
	g.inNode = &node{name: GraphInput, shape: g.input}
	for _, n := range g.nodes {
		n.in = n.in[:0]
		n.consumers, n.isOutput, n.fusedPool, n.fusedInto, n.fuser = 0, false, nil, nil, nil
		for _, name := range n.inputs {
			if name == GraphInput {
				n.in = append(n.in, g.inNode)
				continue
			}
			src := g.byName[name]
			if src == nil {
				return fmt.Errorf("nn: graph: node %q (%s): input %q is not a node of the graph (dangling input)", n.name, n.base().Kind(), name)
			}
			n.in = append(n.in, src)
		}
	}
	order, err := topoSort(g.nodes)
	if err != nil {
		return err
	}
	g.order = order
	g.spent = 0
	var kept int64
	for _, n := range order {
		shapes := make([][]int, len(n.in))
		for i, src := range n.in {
			shapes[i] = src.shape
			src.consumers++
		}
		if g.limited {
			if err := g.checkBudget(n, shapes); err != nil {
				return fmt.Errorf("nn: graph: %w", err)
			}
		}
		var out []int
		switch {
		case g.adopted:
			out = n.shape
		case n.merge != nil:
			out, err = n.merge.BuildMerge(shapes)
		default:
			out, err = n.layer.Build(shapes[0])
		}
		if err != nil {
			return fmt.Errorf("nn: graph: node %q (%s): %w", n.name, n.base().Kind(), err)
		}
		if g.limited {
			// Every node's output is kept: bound their sum (per sample), so
			// that a file cannot make the first Forward allocate gigabytes.
			kept += int64(shapeSize(out))
			if int64(shapeSize(out)) > maxInputSize*64 || kept > maxKeptValues {
				return fmt.Errorf("nn: graph: node %q (%s): output %s is too large (the outputs kept for one sample would exceed %d values)", n.name, n.base().Kind(), shapeString(out), maxKeptValues)
			}
		}
		n.shape = out
	}
	if err := g.resolveOutputs(); err != nil {
		return err
	}
	g.weights = nil
	g.collectParams() // graph_trainable.go
	for _, n := range order {
		l := n.base()
		for _, p := range layerWeights(l) {
			if !strings.Contains(p.Name, "/") {
				p.Name = n.name + "/" + p.Name
			}
			g.weights = append(g.weights, p)
		}
	}
	g.SetEngine(g.eng)
	g.planFusion()
	g.batch, g.swapped, g.skipBuf = 0, nil, nil
	g.built = true
	if !g.adopted {
		g.init(0, !g.filled)
	}
	return nil
}

// maxKeptValues bounds the values of all node outputs of one sample that a
// graph read from a file may declare (1 GiB of float32; ResNet-50 at
// 224×224 keeps about 25 million).
const maxKeptValues = 1 << 28

// resolveOutputs marks the output nodes.
func (g *Graph) resolveOutputs() error {
	g.outs = g.outs[:0]
	if len(g.outputs) == 0 {
		for _, n := range g.nodes {
			if n.consumers == 0 {
				g.outs = append(g.outs, n)
			}
		}
	}
	for _, name := range g.outputs {
		n := g.byName[name]
		if n == nil {
			return fmt.Errorf("nn: graph: output %q is not a node of the graph", name)
		}
		g.outs = append(g.outs, n)
	}
	for _, n := range g.outs {
		n.isOutput = true
	}
	return nil
}

// topoSort orders nodes so that every node comes after its inputs, keeping
// the Add order wherever it already is one (a depth-first search in Add
// order). A cycle is an error that lists it.
func topoSort(nodes []*node) ([]*node, error) {
	const (
		unseen = iota
		active
		done
	)
	state := make(map[*node]int, len(nodes))
	order := make([]*node, 0, len(nodes))
	var path []*node
	var visit func(n *node) error
	visit = func(n *node) error {
		switch state[n] {
		case done:
			return nil
		case active:
			i := slices.Index(path, n)
			names := make([]string, 0, len(path)-i+1)
			for _, p := range path[i:] {
				names = append(names, p.name)
			}
			names = append(names, n.name)
			return fmt.Errorf("nn: graph: cycle: %s (a graph must be acyclic)", strings.Join(names, " → "))
		}
		state[n] = active
		path = append(path, n)
		for _, src := range n.in {
			if src.layer != nil || src.merge != nil {
				if err := visit(src); err != nil {
					return err
				}
			}
		}
		path = path[:len(path)-1]
		state[n] = done
		order = append(order, n)
		return nil
	}
	for _, n := range nodes {
		if err := visit(n); err != nil {
			return nil, err
		}
	}
	return order, nil
}

// planFusion pairs each Conv2D whose only reader is a 2×2 MaxPooling2D it
// can run fused with (see poolFuser), as Sequential does.
func (g *Graph) planFusion() {
	for _, n := range g.order {
		n.fusedPool, n.fusedInto, n.fuser = nil, nil, nil
	}
	for _, m := range g.order {
		p, ok := m.layer.(*MaxPooling2D)
		if !ok || len(m.in) != 1 {
			continue
		}
		n := m.in[0]
		if g.eng.opts.fuseOff || n == g.inNode || n.consumers != 1 || n.layer == nil || n.fusedPool != nil {
			continue
		}
		if f, ok := n.layer.(poolFuser); ok && f.fusesWith(p) {
			n.fusedPool, m.fusedInto, n.fuser = m, n, f
		}
	}
	g.planActFusion() // conv2d_postact.go
	g.planResFusion() // conv2d_residual.go
}
