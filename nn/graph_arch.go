package nn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
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
	g := NewGraph(a.InputShape)
	if a.Name != "" {
		g.name = a.Name
	}
	for i, n := range a.Nodes {
		l, err := n.Layer.GraphLayer()
		if err != nil {
			return nil, fmt.Errorf("nn: graph: layer %d (%s): %w", i+1, n.Layer.Name, err)
		}
		if _, err := g.Add(l, n.Inputs...); err != nil {
			return nil, err
		}
	}
	g.SetOutputs(a.Outputs...)
	if err := g.Build(); err != nil {
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

// graphJSON mirrors the JSON form for decoding.
type graphJSON struct {
	ClassName string `json:"class_name"`
	Config    struct {
		Name    string            `json:"name"`
		Layers  []json.RawMessage `json:"layers"`
		Inputs  [][]any           `json:"input_layers"`
		Outputs [][]any           `json:"output_layers"`
	} `json:"config"`
}

type graphLayerJSON struct {
	ClassName string          `json:"class_name"`
	Name      string          `json:"name"`
	Config    json.RawMessage `json:"config"`
	Inbound   [][][]any       `json:"inbound_nodes"`
}

// ParseGraphArch reads a graph architecture in the JSON form described at
// GraphArch. Errors name the layer and key at fault.
func ParseGraphArch(data []byte) (GraphArch, error) {
	var top graphJSON
	if err := json.Unmarshal(data, &top); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := position(data, se.Offset)
			return GraphArch{}, fmt.Errorf("arch: invalid JSON at line %d, column %d: %v", line, col, err)
		}
		return GraphArch{}, fmt.Errorf(`arch: expected {"class_name": "Functional", "config": {"layers": …}}, received %s: %v`, excerpt(data), err)
	}
	if top.ClassName != "Functional" && top.ClassName != "Model" {
		return GraphArch{}, fmt.Errorf(`arch: expected class_name "Functional", received %q`, top.ClassName)
	}
	a := GraphArch{Name: top.Config.Name}
	inputName := ""
	for i, raw := range top.Config.Layers {
		var l graphLayerJSON
		if err := json.Unmarshal(raw, &l); err != nil {
			return GraphArch{}, fmt.Errorf("arch: layer %d: expected {\"class_name\", \"name\", \"config\", \"inbound_nodes\"}, received %s", i+1, excerpt(raw))
		}
		if l.ClassName == "InputLayer" {
			if inputName != "" {
				return GraphArch{}, fmt.Errorf("arch: layer %d: a second InputLayer (%q; graphs have one input)", i+1, l.Name)
			}
			var cfg struct {
				Shape []*int `json:"batch_input_shape"`
			}
			if json.Unmarshal(l.Config, &cfg) != nil || len(cfg.Shape) < 2 || slices.ContainsFunc(cfg.Shape[1:], func(d *int) bool { return d == nil || *d <= 0 }) {
				return GraphArch{}, fmt.Errorf("arch: InputLayer %q: \"batch_input_shape\": expected [null, positive dimensions…], received %s", l.Name, excerpt(l.Config))
			}
			for _, d := range cfg.Shape[1:] {
				a.InputShape = append(a.InputShape, *d)
			}
			inputName = l.Name
			continue
		}
		var cfg map[string]json.RawMessage
		if len(l.Config) > 0 && !isNull(l.Config) {
			if err := json.Unmarshal(l.Config, &cfg); err != nil {
				return GraphArch{}, fmt.Errorf("arch: layer %d (%s): \"config\": expected an object, received %s", i+1, l.Name, excerpt(l.Config))
			}
		}
		if cfg == nil {
			cfg = map[string]json.RawMessage{}
		}
		if _, ok := cfg["name"]; !ok && l.Name != "" {
			cfg["name"], _ = json.Marshal(l.Name)
		}
		one, _ := json.Marshal(map[string]any{"class_name": l.ClassName, "config": cfg})
		c, err := parseLayer(one)
		if err != nil {
			return GraphArch{}, fmt.Errorf("arch: layer %d (%s): %w", i+1, l.Name, err)
		}
		if l.Name != "" && c.Name != l.Name {
			return GraphArch{}, fmt.Errorf("arch: layer %d: name %q and config name %q differ", i+1, l.Name, c.Name)
		}
		if len(l.Inbound) != 1 || len(l.Inbound[0]) == 0 {
			return GraphArch{}, fmt.Errorf("arch: layer %d (%s): \"inbound_nodes\": expected one call [[[name, 0, 0, {}], …]], received %d", i+1, c.Name, len(l.Inbound))
		}
		node := GraphNode{Layer: c}
		for _, ref := range l.Inbound[0] {
			name, ok := refName(ref)
			if !ok {
				return GraphArch{}, fmt.Errorf("arch: layer %d (%s): \"inbound_nodes\": expected [name, 0, 0, {}], received %v", i+1, c.Name, ref)
			}
			node.Inputs = append(node.Inputs, name)
		}
		a.Nodes = append(a.Nodes, node)
	}
	if inputName == "" {
		return GraphArch{}, errors.New("arch: no InputLayer")
	}
	for i := range a.Nodes {
		for j, in := range a.Nodes[i].Inputs {
			if in == inputName {
				a.Nodes[i].Inputs[j] = GraphInput
			}
		}
	}
	for _, ref := range top.Config.Outputs {
		name, ok := refName(ref)
		if !ok {
			return GraphArch{}, fmt.Errorf("arch: \"output_layers\": expected [name, 0, 0], received %v", ref)
		}
		a.Outputs = append(a.Outputs, name)
	}
	return a, nil
}

// refName reads the layer name of a Keras tensor reference [name, node, tensor, …].
func refName(ref []any) (string, bool) {
	if len(ref) < 1 {
		return "", false
	}
	s, ok := ref[0].(string)
	return s, ok && s != ""
}

// UnmarshalJSON parses data as ParseGraphArch does.
func (a *GraphArch) UnmarshalJSON(data []byte) error {
	b, err := ParseGraphArch(data)
	if err != nil {
		return err
	}
	*a = b
	return nil
}

// MarshalJSON writes the architecture in Keras' functional form, one layer
// per line, every default explicit (as Arch.MarshalJSON).
func (a GraphArch) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	name := a.Name
	if name == "" {
		name = "model"
	}
	b.WriteString(`{"class_name": "Functional", "config": {` + "\n  \"name\": ")
	writeString(&b, name)
	b.WriteString(",\n  \"layers\": [\n    {\"class_name\": \"InputLayer\", \"name\": \"input\", \"config\": {\"batch_input_shape\": [null")
	for _, d := range a.InputShape {
		fmt.Fprintf(&b, ", %d", d)
	}
	b.WriteString(`], "name": "input"}, "inbound_nodes": []}`)
	for _, n := range a.Nodes {
		if n.Layer.Name == "" {
			return nil, fmt.Errorf("nn: graph arch: a %s node has no name", n.Layer.ClassName)
		}
		lb, err := n.Layer.MarshalJSON()
		if err != nil {
			return nil, err
		}
		// {"class_name": X, "config": {...}} → add "name" and "inbound_nodes".
		cfg := lb[bytes.Index(lb, []byte(`"config": `))+len(`"config": `) : len(lb)-1]
		b.WriteString(",\n    {\"class_name\": ")
		writeString(&b, n.Layer.ClassName)
		b.WriteString(`, "name": `)
		writeString(&b, n.Layer.Name)
		b.WriteString(`, "config": `)
		b.Write(cfg)
		b.WriteString(`, "inbound_nodes": [[`)
		for i, in := range n.Inputs {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('[')
			writeString(&b, in)
			b.WriteString(", 0, 0, {}]")
		}
		b.WriteString("]]}")
	}
	b.WriteString("\n  ],\n  \"input_layers\": [[\"input\", 0, 0]],\n  \"output_layers\": [")
	for i, o := range a.Outputs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('[')
		writeString(&b, o)
		b.WriteString(", 0, 0]")
	}
	b.WriteString("]\n}}\n")
	return b.Bytes(), nil
}

// isGraphJSON reports whether an architecture JSON is a functional model
// (a Graph) rather than Convscope's Sequential form.
func isGraphJSON(data []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return false
	}
	_, ok := top["class_name"]
	return ok && !strings.Contains(string(top["class_name"]), "Sequential")
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
