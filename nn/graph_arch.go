package nn

import (
	"fmt"
	"slices"
)

// GraphArch is a Graph's architecture as data: the per-sample input shape,
// each node's layer configuration and inputs, and the outputs. Its JSON form
// is Keras 2's functional model_config (model.to_json() of a
// keras.Model(inputs, outputs)), trimmed to what Convscope's layers take:
//
//	{"class_name": "Functional", "config": {
//	  "name": "model",
//	  "layers": [
//	    {"class_name": "InputLayer", "name": "input", "config": {"batch_input_shape": [null, 32, 32, 3], "name": "input"}, "inbound_nodes": []},
//	    {"class_name": "Conv2D", "name": "conv2d_1", "config": {"name": "conv2d_1", "filters": 8, ...}, "inbound_nodes": [[["input", 0, 0, {}]]]},
//	    {"class_name": "Add", "name": "add_1", "config": {"name": "add_1"}, "inbound_nodes": [[["conv2d_1", 0, 0, {}], ["input", 0, 0, {}]]]},
//	    ...
//	  ],
//	  "input_layers": [["input", 0, 0]],
//	  "output_layers": [["dense_1", 0, 0]]
//	}}
//
// Layer configs are those of Arch (see there for the classes and keys).
// The InputLayer may have any name; it stands for GraphInput. Each layer is
// applied once (one inbound node).
type GraphArch struct {
	Name       string
	InputShape []int
	Nodes      []GraphNode // in topological order
	Outputs    []string
}

// GraphNode is one node of a GraphArch: a layer (whose Name is the node's
// name) and the names of the nodes it reads (GraphInput for the input).
type GraphNode struct {
	Layer  LayerConfig
	Inputs []string
}

// Arch returns the graph's architecture; Arch().Build() makes a graph of
// the same shape (with fresh weights).
func (g *Graph) Arch() GraphArch {
	a := GraphArch{Name: g.name, InputShape: slices.Clone(g.input), Outputs: g.OutputNames()}
	for _, n := range g.order {
		c := n.base().Config()
		c.Name = n.name
		a.Nodes = append(a.Nodes, GraphNode{Layer: c, Inputs: slices.Clone(n.inputs)})
	}
	return a
}

// Build makes the graph the architecture describes (weights initialised
// with seed 0, see Graph.Init).
func (a GraphArch) Build() (*Graph, error) {
	return a.assemble("nn: graph", -1, false)
}

// assemble adds the architecture's nodes to a new graph, sets its outputs
// and builds it, under the weight budget values (Graph.SetLimits) unless
// values < 0; filled means the caller sets every weight next, so Build
// draws no initial values. A layer the configuration cannot make is reported as
// "PREFIX: layer N (NAME): …".
func (a GraphArch) assemble(prefix string, values int64, filled bool) (*Graph, error) {
	g := NewGraph(a.InputShape)
	if a.Name != "" {
		g.name = a.Name
	}
	for i, n := range a.Nodes {
		l, err := n.Layer.GraphLayer()
		if err != nil {
			return nil, fmt.Errorf("%s: layer %d (%s): %w", prefix, i+1, n.Layer.Name, err)
		}
		if _, err := g.Add(l, n.Inputs...); err != nil {
			return nil, err
		}
	}
	g.SetOutputs(a.Outputs...)
	if values >= 0 {
		g.SetLimits(values)
	}
	g.filled = filled // the caller fills every weight: Build draws none
	err := g.Build()
	g.filled = false // a later Build draws, as Build does
	if err != nil {
		return nil, err
	}
	return g, nil
}

// GraphArch returns the Sequential architecture as a chain: each layer
// reads the one before it. Unnamed layers get the names Sequential gives
// them.
func (a Arch) GraphArch() GraphArch {
	names := sequentialNames(a.Layers)
	g := GraphArch{Name: "sequential_1", InputShape: slices.Clone(a.InputShape)}
	prev := GraphInput
	for i, c := range a.Layers {
		c.Name = names[i]
		g.Nodes = append(g.Nodes, GraphNode{Layer: c, Inputs: []string{prev}})
		prev = c.Name
	}
	g.Outputs = []string{prev}
	return g
}

// sequentialNames returns the layer names NewSequential gives: each
// layer's own, else Keras' automatic one, skipping names already taken.
func sequentialNames(layers []LayerConfig) []string {
	used := map[string]bool{}
	for _, c := range layers {
		if c.Name != "" {
			used[c.Name] = true
		}
	}
	counts := map[string]int{}
	names := make([]string, len(layers))
	for i, c := range layers {
		if names[i] = c.Name; names[i] != "" {
			continue
		}
		base := snakeCase(c.ClassName)
		for {
			counts[base]++
			name := fmt.Sprintf("%s_%d", base, counts[base])
			if !used[name] {
				names[i], used[name] = name, true
				break
			}
		}
	}
	return names
}

// ToGraph returns a Graph with the model's architecture (a chain) and a
// copy of its weights. The graph is independent of the model.
func (m *Sequential) ToGraph() (*Graph, error) {
	g, err := m.Arch().GraphArch().Build()
	if err != nil {
		return nil, err
	}
	g.name = m.name
	for i, p := range g.weights {
		copy(p.Value, m.weights[i].Value)
	}
	return g, nil
}

// Graph returns a view of the model as a Graph, a chain of its layers
// (nodes named as the layers), sharing the layers and their weights: no
// copy, and what one changes the other sees. Use it to run graph code, such
// as BackwardWith for explanations, on a Sequential model. The two must not
// run at the same time (the layers keep per-call state), and the view
// cannot be extended (Add fails). See ToGraph for an independent copy.
func (m *Sequential) Graph() *Graph {
	g := NewGraph(m.input)
	g.name, g.eng, g.adopted = m.name, m.eng, true
	prev := GraphInput
	for i, l := range m.layers {
		n := &node{name: l.Name(), layer: l, inputs: []string{prev}, addIdx: i, shape: m.shapes[i]}
		g.nodes = append(g.nodes, n)
		g.byName[n.name] = n
		prev = n.name
	}
	if err := g.Build(); err != nil {
		panic("nn: Sequential.Graph: " + err.Error()) // a built Sequential is a valid chain
	}
	return g
}
