package nn

// What a built Graph tells about itself: weights, nodes, outputs.

// Params returns the trainable parameters in topological node order, named
// "<node>/kernel", "<node>/bias", … (what optimizers update).
func (g *Graph) Params() []*Param { return g.params }

// Weights returns every weight, trainable or not (BatchNormalization's
// moving statistics), in topological node order and Keras' per-layer order:
// what a model file holds.
func (g *Graph) Weights() []*Param { return g.weights }

// CountParams returns the number of trainable values.
func (g *Graph) CountParams() int { return countValues(g.params) }

func countValues(ps []*Param) int {
	n := 0
	for _, p := range ps {
		n += len(p.Value)
	}
	return n
}

// NodeInfo describes one node of a built Graph.
type NodeInfo struct {
	Name        string
	Kind        string   // the layer's Keras class name
	Inputs      []string // input node names (GraphInput for the graph's input)
	OutputShape []int    // per-sample
	Params      int      // trainable values
	Weights     int      // all values, non-trainable included
	Layer       LayerBase
	IsOutput    bool
}

// Nodes describes every node in topological order (the order Forward runs
// them, and the order of the activation grid).
func (g *Graph) Nodes() []NodeInfo {
	out := make([]NodeInfo, len(g.order))
	for i, n := range g.order {
		l := n.base()
		out[i] = NodeInfo{Name: n.name, Kind: l.Kind(), Inputs: append([]string(nil), n.inputs...),
			OutputShape: n.shape, Params: countValues(l.Params()), Weights: countValues(layerWeights(l)),
			Layer: l, IsOutput: n.isOutput}
	}
	return out
}

// Node returns the description of the named node, or false.
func (g *Graph) Node(name string) (NodeInfo, bool) {
	for _, info := range g.Nodes() {
		if info.Name == name {
			return info, true
		}
	}
	return NodeInfo{}, false
}

// OutputNames returns the names of the output nodes, in order.
func (g *Graph) OutputNames() []string {
	names := make([]string, len(g.outs))
	for i, n := range g.outs {
		names[i] = n.name
	}
	return names
}

// OutputShape returns the per-sample shape of the first output.
func (g *Graph) OutputShape() []int { return g.outs[0].shape }

// CopyWeightsFrom copies every weight value from src, a graph of the same
// architecture (e.g. to snapshot a model training on another goroutine).
func (g *Graph) CopyWeightsFrom(src *Graph) error {
	if err := copyWeights(g.weights, src.weights); err != nil {
		return err
	}
	g.WeightsChanged()
	return nil
}
