package nn

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// GraphArch in JSON: Keras 2's functional model_config.

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
		writeRefs(&b, n.Inputs, ", 0, 0, {}]")
		b.WriteString("]]}")
	}
	b.WriteString("\n  ],\n  \"input_layers\": [[\"input\", 0, 0]],\n  \"output_layers\": [")
	writeRefs(&b, a.Outputs, ", 0, 0]")
	b.WriteString("]\n}}\n")
	return b.Bytes(), nil
}

// writeRefs writes Keras' references to the named layers, separated by
// commas: ["NAME" then tail (the node and tensor indices, the closing
// bracket) for each name.
func writeRefs(b *bytes.Buffer, names []string, tail string) {
	for i, name := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('[')
		writeString(b, name)
		b.WriteString(tail)
	}
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
