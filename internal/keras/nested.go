package keras

import (
	"encoding/json"
	"fmt"
)

// maxNesting bounds models nested in models.
const maxNesting = 8

func isModelClass(c string) bool { return c == "Sequential" || c == "Functional" || c == "Model" }

// functional rewrites a Sequential model as a functional one: each layer
// reads the previous one, the first reads the input layer (a synthetic
// "__input__" when the config has none).
func (m *kModel) functional() {
	if m.Functional {
		return
	}
	in := ""
	for _, l := range m.Layers {
		if l.Class == "InputLayer" {
			in = l.Name
			break
		}
	}
	if in == "" {
		in = "__input__"
		m.Layers = append([]kLayer{{Class: "InputLayer", Name: in, K3Path: "layers/__input__"}}, m.Layers...)
	}
	prev := in
	for i := range m.Layers {
		if m.Layers[i].Class == "InputLayer" {
			continue
		}
		m.Layers[i].Inputs = []string{prev}
		prev = m.Layers[i].Name
	}
	m.Inputs, m.Outputs, m.Functional = []string{in}, []string{prev}, true
}

// flatten splices the layers of nested models (a Sequential or functional
// model used as a layer, as Keras' transfer-learning recipe
// Sequential([conv_base, Flatten(), Dense(…)]) does) into m, which becomes
// functional. Nested layers keep their names, record their model in
// Parent, and their Keras 3 weight paths continue the model's
// ("layers/functional/layers/conv2d").
func (m *kModel) flatten(version string, depth int) error {
	nested := false
	for _, l := range m.Layers {
		nested = nested || isModelClass(l.Class)
	}
	if !nested {
		return nil
	}
	if depth >= maxNesting {
		return fmt.Errorf("keras: models nested more than %d deep", maxNesting)
	}
	m.functional()
	alias := map[string]string{}
	rename := func(names []string, a map[string]string) []string {
		out := make([]string, len(names))
		for i, n := range names {
			if to, ok := a[n]; ok {
				n = to
			}
			out[i] = n
		}
		return out
	}
	var out []kLayer
	for _, l := range m.Layers {
		l.Inputs = rename(l.Inputs, alias)
		if !isModelClass(l.Class) {
			out = append(out, l)
			continue
		}
		cfg, err := json.Marshal(l.Config)
		if err != nil {
			return fmt.Errorf("keras: nested model %q: %v", l.Name, err)
		}
		doc, _ := json.Marshal(map[string]json.RawMessage{"class_name": json.RawMessage(fmt.Sprintf("%q", l.Class)), "config": cfg})
		sub, err := parseModel(doc, version, depth+1)
		if err != nil {
			return fmt.Errorf("keras: nested model %q: %s", l.Name, trimKeras(err))
		}
		sub.functional()
		if len(l.Inputs) != 1 || len(sub.Inputs) != 1 || len(sub.Outputs) != 1 {
			return fmt.Errorf("keras: nested model %q: expected one input and one output, received %d and %d", l.Name, len(sub.Inputs), len(sub.Outputs))
		}
		if m.Input == nil {
			m.Input, m.Unsized = sub.Input, sub.Unsized
		}
		inner := map[string]string{sub.Inputs[0]: l.Inputs[0]}
		for _, sl := range sub.Layers {
			if sl.Class == "InputLayer" {
				inner[sl.Name] = l.Inputs[0]
				continue
			}
			sl.Inputs = rename(sl.Inputs, inner)
			sl.K3Path = l.K3Path + "/" + sl.K3Path
			sl.Parent = l.Name
			out = append(out, sl)
		}
		alias[l.Name] = rename(sub.Outputs, inner)[0]
	}
	m.Outputs = rename(m.Outputs, alias)
	m.Layers = out
	seen := map[string]bool{}
	for _, l := range m.Layers {
		if seen[l.Name] {
			return fmt.Errorf("keras: two layers are named %q once nested models are flattened", l.Name)
		}
		seen[l.Name] = true
	}
	return nil
}

// trimKeras drops a nested error's "keras: " prefix.
func trimKeras(err error) string {
	s := err.Error()
	if len(s) > 7 && s[:7] == "keras: " {
		return s[7:]
	}
	return s
}
