package keras

import (
	"encoding/json"
	"fmt"
	"strings"
)

// kLayer is one layer of a Keras model configuration.
type kLayer struct {
	Keras3 bool   // written by Keras 3 (activations such as hard_sigmoid differ)
	K3Path string // Keras 3 weights path: "layers/conv2d_1", nested "layers/functional/layers/conv2d"
	Class  string
	Name   string
	Config map[string]json.RawMessage
	Inputs []string // names of the layers it reads (functional models)
	Parent string   // the nested model it came from, if any (see flatten)
	InRank int      // rank of its (first) input, batch axis excluded; 0 if unknown
}

// kModel is a parsed model configuration.
type kModel struct {
	Functional bool
	Name       string
	Layers     []kLayer // in model.layers order (InputLayer included if present)
	Input      []int    // per-sample input shape, if known from the config
	Unsized    string   // a batch shape with unknown (None) dimensions, if any
	Inputs     []string // functional: input layer names
	Outputs    []string // functional: output layer names
}

type rawLayer struct {
	ClassName     string                     `json:"class_name"`
	Name          string                     `json:"name"`
	Config        map[string]json.RawMessage `json:"config"`
	InboundNodes  json.RawMessage            `json:"inbound_nodes"`
	RegisteredNam *string                    `json:"registered_name"`
}

// parseModelConfig reads a model_config / config.json document: Keras 2's
// Sequential as a list of layers (≤ 2.2.2) or a dict with "layers", Keras 3's
// Sequential, and functional models ("Model", "Functional"). version is the
// keras_version that wrote it, "" if unknown (then a top-level "module" key,
// which Keras 3's serialize_keras_object writes, means Keras 3).
func parseModelConfig(data []byte, version string) (*kModel, error) {
	return parseModel(data, version, 0)
}

func parseModel(data []byte, version string, depth int) (*kModel, error) {
	var top struct {
		ClassName string          `json:"class_name"`
		Config    json.RawMessage `json:"config"`
		Module    *string         `json:"module"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("keras: model config is not valid JSON: %v", err)
	}
	m := &kModel{}
	keras3 := strings.HasPrefix(version, "3.") || version == "" && top.Module != nil
	var raws []rawLayer
	switch top.ClassName {
	case "Sequential":
		if len(top.Config) > 0 && top.Config[0] == '[' {
			if err := json.Unmarshal(top.Config, &raws); err != nil {
				return nil, fmt.Errorf("keras: Sequential config: %v", err)
			}
			break
		}
		var c struct {
			Name            string          `json:"name"`
			Layers          []rawLayer      `json:"layers"`
			BuildInputShape json.RawMessage `json:"build_input_shape"`
			BatchInputShape json.RawMessage `json:"batch_input_shape"`
		}
		if err := json.Unmarshal(top.Config, &c); err != nil {
			return nil, fmt.Errorf("keras: Sequential config: %v", err)
		}
		raws, m.Name = c.Layers, c.Name
		if s, ok := batchShape(c.BuildInputShape); ok {
			m.Input = s
		}
	case "Model", "Functional":
		m.Functional = true
		var c struct {
			Name         string          `json:"name"`
			Layers       []rawLayer      `json:"layers"`
			InputLayers  json.RawMessage `json:"input_layers"`
			OutputLayers json.RawMessage `json:"output_layers"`
		}
		if err := json.Unmarshal(top.Config, &c); err != nil {
			return nil, fmt.Errorf("keras: %s config: %v", top.ClassName, err)
		}
		raws, m.Name = c.Layers, c.Name
		var err error
		if m.Inputs, err = layerRefs(c.InputLayers); err != nil {
			return nil, fmt.Errorf("keras: input_layers: %v", err)
		}
		if m.Outputs, err = layerRefs(c.OutputLayers); err != nil {
			return nil, fmt.Errorf("keras: output_layers: %v", err)
		}
	case "":
		return nil, fmt.Errorf("keras: model config has no class_name (expected Sequential, Model or Functional)")
	default:
		return nil, fmt.Errorf("keras: model class %q is not supported (expected Sequential, Model or Functional; subclassed models cannot be rebuilt from their config)", top.ClassName)
	}
	if len(raws) == 0 {
		return nil, fmt.Errorf("keras: the model has no layers")
	}
	for i, r := range raws {
		l := kLayer{Keras3: keras3, Class: r.ClassName, Name: r.Name, Config: r.Config}
		if l.Name == "" {
			var n string
			if raw, ok := r.Config["name"]; ok {
				json.Unmarshal(raw, &n)
			}
			l.Name = n
		}
		if l.Name == "" {
			return nil, fmt.Errorf("keras: layer %d (%s) has no name", i+1, r.ClassName)
		}
		if m.Functional {
			nodes, err := inboundNodes(r.InboundNodes)
			if err != nil {
				return nil, fmt.Errorf("keras: layer %s (%s): inbound_nodes: %v", l.Name, l.Class, err)
			}
			if len(nodes) > 1 {
				return nil, fmt.Errorf("keras: layer %s (%s) is applied %d times; shared layers are not supported", l.Name, l.Class, len(nodes))
			}
			if len(nodes) == 1 {
				l.Inputs = nodes[0]
			}
		}
		if m.Input == nil {
			for _, key := range []string{"batch_input_shape", "batch_shape"} {
				if s, ok := batchShape(r.Config[key]); ok {
					m.Input = s
					break
				} else if raw := r.Config[key]; len(raw) > 0 && string(raw) != "null" && m.Unsized == "" {
					m.Unsized = excerpt(raw)
				}
			}
		}
		m.Layers = append(m.Layers, l)
	}
	// Keras 3 weight paths: class in snake case, numbered by position among
	// model.layers of the same class (saving_lib.py _get_unique_name).
	used := map[string]int{}
	for i := range m.Layers {
		s := snake(m.Layers[i].Class)
		p := s
		if n, ok := used[s]; ok {
			used[s] = n + 1
			p = fmt.Sprintf("%s_%d", s, n+1)
		} else {
			used[s] = 0
		}
		m.Layers[i].K3Path = "layers/" + p
	}
	if err := m.flatten(version, depth); err != nil {
		return nil, err
	}
	return m, nil
}

// batchShape decodes [null, h, w, c] into (h, w, c).
func batchShape(raw json.RawMessage) ([]int, bool) {
	if len(raw) == 0 {
		return nil, false
	}
	var s []*int
	if json.Unmarshal(raw, &s) != nil || len(s) < 2 {
		return nil, false
	}
	out := make([]int, 0, len(s)-1)
	for _, d := range s[1:] {
		if d == nil || *d <= 0 {
			return nil, false
		}
		out = append(out, *d)
	}
	return out, true
}

// layerRefs decodes input_layers/output_layers: [[name, 0, 0], …], or a single
// [name, 0, 0] (Keras 3 with one input or output).
func layerRefs(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, err
	}
	if len(list) > 0 {
		var s string
		if json.Unmarshal(list[0], &s) == nil {
			return []string{s}, nil
		}
	}
	var names []string
	for _, item := range list {
		var ref []json.RawMessage
		var s string
		if json.Unmarshal(item, &ref) != nil || len(ref) == 0 || json.Unmarshal(ref[0], &s) != nil {
			return nil, fmt.Errorf("expected [name, node, tensor], received %s", excerpt(item))
		}
		names = append(names, s)
	}
	return names, nil
}

// inboundNodes decodes a layer's inbound_nodes into, per node, the names of
// the layers it reads: Keras 2 writes [[[name, node, tensor, kwargs], …], …],
// Keras 3 [{"args": [...], "kwargs": {...}}] with keras tensors
// {"class_name": "__keras_tensor__", "config": {"keras_history": [name, …]}}
// anywhere inside args.
func inboundNodes(raw json.RawMessage) ([][]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var nodes []json.RawMessage
	if err := json.Unmarshal(raw, &nodes); err != nil {
		return nil, err
	}
	var out [][]string
	for _, n := range nodes {
		var k3 struct {
			Args json.RawMessage `json:"args"`
		}
		var names []string
		if len(n) > 0 && n[0] == '{' {
			if err := json.Unmarshal(n, &k3); err != nil {
				return nil, err
			}
			var v any
			if err := json.Unmarshal(k3.Args, &v); err != nil {
				return nil, err
			}
			collectHistory(v, &names, 0)
		} else {
			var refs [][]json.RawMessage
			if err := json.Unmarshal(n, &refs); err != nil {
				return nil, fmt.Errorf("expected a list of [name, node, tensor, kwargs], received %s", excerpt(n))
			}
			for _, ref := range refs {
				var s string
				if len(ref) == 0 || json.Unmarshal(ref[0], &s) != nil {
					return nil, fmt.Errorf("expected [name, node, tensor, kwargs], received %s", excerpt(n))
				}
				names = append(names, s)
			}
		}
		out = append(out, names)
	}
	return out, nil
}

func collectHistory(v any, names *[]string, depth int) {
	if depth > 64 {
		return
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			collectHistory(e, names, depth+1)
		}
	case map[string]any:
		if x["class_name"] == "__keras_tensor__" {
			if c, ok := x["config"].(map[string]any); ok {
				if h, ok := c["keras_history"].([]any); ok && len(h) > 0 {
					if s, ok := h[0].(string); ok {
						*names = append(*names, s)
					}
				}
			}
			return
		}
		for _, e := range x {
			collectHistory(e, names, depth+1)
		}
	}
}

func excerpt(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return s
}
