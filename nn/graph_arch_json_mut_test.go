package nn

import (
	"slices"
	"strings"
	"testing"
)

// functional wraps layers (JSON objects, comma-separated) in a Keras
// functional model_config with the given output layers.
func functional(layers, outputs string) string {
	return `{"class_name": "Functional", "config": {"name": "m", "layers": [` + layers + `], "input_layers": [["in", 0, 0]], "output_layers": [` + outputs + `]}}`
}

const inputLayer = `{"class_name": "InputLayer", "name": "in", "config": {"batch_input_shape": [null, 4]}, "inbound_nodes": []}`

// TestParseGraphArchErrors: each malformed part of a functional
// model_config gives an error naming the layer by its 1-based position.
func TestParseGraphArchErrors(t *testing.T) {
	dense := `{"class_name": "Dense", "name": "d", "config": {"units": 2}, "inbound_nodes": [[["in", 0, 0, {}]]]}`
	for _, tt := range []struct{ name, src, want string }{
		{"layer not an object", functional(inputLayer+`, [1]`, `["d", 0, 0]`), `arch: layer 2: expected {"class_name", "name", "config", "inbound_nodes"}, received [1]`},
		{"second InputLayer", functional(inputLayer+`, `+dense+`, `+strings.Replace(inputLayer, `"in"`, `"in2"`, 1), `["d", 0, 0]`), `arch: layer 3: a second InputLayer ("in2"; graphs have one input)`},
		{"config not an object", functional(inputLayer+`, {"class_name": "Dense", "name": "d", "config": [2], "inbound_nodes": [[["in", 0, 0, {}]]]}`, `["d", 0, 0]`), `arch: layer 2 (d): "config": expected an object, received [2]`},
		{"names differ", functional(inputLayer+`, {"class_name": "Dense", "name": "d", "config": {"name": "e", "units": 2}, "inbound_nodes": [[["in", 0, 0, {}]]]}`, `["d", 0, 0]`), `arch: layer 2: name "d" and config name "e" differ`},
		{"two calls", functional(inputLayer+`, {"class_name": "Flatten", "name": "f", "inbound_nodes": [[["in", 0, 0, {}]], [["in", 0, 0, {}]]]}`, `["f", 0, 0]`), `arch: layer 2 (f): "inbound_nodes": expected one call [[[name, 0, 0, {}], …]], received 2`},
		{"empty call", functional(inputLayer+`, {"class_name": "Flatten", "name": "f", "inbound_nodes": [[]]}`, `["f", 0, 0]`), `arch: layer 2 (f): "inbound_nodes": expected one call [[[name, 0, 0, {}], …]], received 1`},
		{"bad inbound ref", functional(inputLayer+`, {"class_name": "Flatten", "name": "f", "inbound_nodes": [[[7, 0, 0, {}]]]}`, `["f", 0, 0]`), `arch: layer 2 (f): "inbound_nodes": expected [name, 0, 0, {}], received [7 0 0 map[]]`},
		{"empty inbound name", functional(inputLayer+`, {"class_name": "Flatten", "name": "f", "inbound_nodes": [[["", 0, 0, {}]]]}`, `["f", 0, 0]`), `arch: layer 2 (f): "inbound_nodes": expected [name, 0, 0, {}], received [ 0 0 map[]]`},
		{"bad output ref", functional(inputLayer+`, `+dense, `[]`), `arch: "output_layers": expected [name, 0, 0], received []`},
		{"input rank 0", functional(`{"class_name": "InputLayer", "name": "in", "config": {"batch_input_shape": [null]}}`, `["in", 0, 0]`), `arch: InputLayer "in": "batch_input_shape": expected [null, positive dimensions…], received {"batch_input_shape": [null]}`},
		{"input dimension 0", functional(`{"class_name": "InputLayer", "name": "in", "config": {"batch_input_shape": [null, 3, 0]}}`, `["in", 0, 0]`), `arch: InputLayer "in": "batch_input_shape": expected [null, positive dimensions…], received {"batch_input_shape": [null, 3, 0]}`},
		{"input dimension null", functional(`{"class_name": "InputLayer", "name": "in", "config": {"batch_input_shape": [null, null]}}`, `["in", 0, 0]`), `arch: InputLayer "in": "batch_input_shape": expected [null, positive dimensions…], received {"batch_input_shape": [null, null]}`},
		{"class Model", strings.Replace(functional(inputLayer, `["in", 0, 0]`), `"Functional"`, `"Model"`, 1), `arch: no error`},
		{"class Sequential", strings.Replace(functional(inputLayer, `["in", 0, 0]`), `"Functional"`, `"Sequential"`, 1), `arch: expected class_name "Functional", received "Sequential"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseGraphArch([]byte(tt.src))
			if tt.want == "arch: no error" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v\nwant %s", err, tt.want)
			}
		})
	}
}

// TestParseGraphArchMinimal: a layer may leave out "config" or give null,
// or leave out its top-level name (the config's is used); the input
// layer's name may be anything; an input of rank 1 is allowed.
func TestParseGraphArchMinimal(t *testing.T) {
	src := functional(inputLayer+`,
	 {"class_name": "Flatten", "name": "f", "inbound_nodes": [[["in", 0, 0, {}]]]},
	 {"class_name": "Identity", "name": "i", "config": null, "inbound_nodes": [[["f", 0, 0, {}]]]},
	 {"class_name": "Dense", "config": {"name": "d", "units": 2}, "inbound_nodes": [[["i", 0, 0, {}]]]},
	 {"class_name": "Add", "name": "a", "config": {}, "inbound_nodes": [[["d", 0, 0, {}], ["d", 0, 0, {}]]]}`, `["a"], ["f", 0, 0]`)
	a, err := ParseGraphArch([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var names, inputs []string
	for _, n := range a.Nodes {
		names = append(names, n.Layer.Name)
		inputs = append(inputs, strings.Join(n.Inputs, "+"))
	}
	if !slices.Equal(names, []string{"f", "i", "d", "a"}) || !slices.Equal(inputs, []string{"input", "f", "i", "d+d"}) ||
		!slices.Equal(a.Outputs, []string{"a", "f"}) || !slices.Equal(a.InputShape, []int{4}) || a.Name != "m" {
		t.Errorf("parsed names %v, inputs %v, outputs %v, input shape %v, name %q", names, inputs, a.Outputs, a.InputShape, a.Name)
	}
	if _, err := a.Build(); err != nil {
		t.Fatal(err)
	}
}

// TestRefName: a reference is a non-empty string first; the rest is not
// read.
func TestRefName(t *testing.T) {
	for _, tt := range []struct {
		ref  []any
		name string
		ok   bool
	}{
		{nil, "", false},
		{[]any{}, "", false},
		{[]any{"a"}, "a", true},
		{[]any{"b", 0.0, 0.0}, "b", true},
		{[]any{""}, "", false},
		{[]any{1.0, "a"}, "", false},
	} {
		if name, ok := refName(tt.ref); name != tt.name || ok != tt.ok {
			t.Errorf("refName(%v) = %q, %v; want %q, %v", tt.ref, name, ok, tt.name, tt.ok)
		}
	}
}

// TestGraphArchMarshalJSON pins the functional JSON of a small graph: the
// default name "model", the input layer, references separated by ", ",
// and the error for a node without a name.
func TestGraphArchMarshalJSON(t *testing.T) {
	a := GraphArch{InputShape: []int{2, 3}, Nodes: []GraphNode{
		{Layer: LayerConfig{ClassName: "Identity", Name: "i"}, Inputs: []string{GraphInput}},
		{Layer: LayerConfig{ClassName: "Add", Name: "a"}, Inputs: []string{"i", GraphInput}},
	}, Outputs: []string{"a", "i"}}
	b, err := a.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"class_name": "Functional", "config": {
  "name": "model",
  "layers": [
    {"class_name": "InputLayer", "name": "input", "config": {"batch_input_shape": [null, 2, 3], "name": "input"}, "inbound_nodes": []},
    {"class_name": "Identity", "name": "i", "config": {"name": "i"}, "inbound_nodes": [[["input", 0, 0, {}]]]},
    {"class_name": "Add", "name": "a", "config": {"name": "a"}, "inbound_nodes": [[["i", 0, 0, {}], ["input", 0, 0, {}]]]}
  ],
  "input_layers": [["input", 0, 0]],
  "output_layers": [["a", 0, 0], ["i", 0, 0]]
}}
`
	if string(b) != want {
		t.Errorf("MarshalJSON:\n%s\nwant:\n%s", b, want)
	}
	a.Nodes[1].Layer.Name = ""
	if _, err := a.MarshalJSON(); err == nil || err.Error() != "nn: graph arch: a Add node has no name" {
		t.Errorf("error %v for a node without a name", err)
	}
}

// TestIsGraphJSON: a JSON object with a class_name other than Sequential's
// is a functional architecture; Convscope's Sequential form has none.
func TestIsGraphJSON(t *testing.T) {
	for _, tt := range []struct {
		src  string
		want bool
	}{
		{`{"class_name": "Functional"}`, true},
		{`{"class_name": "Model"}`, true},
		{`{"class_name": "Sequential"}`, false},
		{`{"input_shape": [1], "layers": []}`, false},
		{`[1]`, false},
		{`{`, false},
	} {
		if got := isGraphJSON([]byte(tt.src)); got != tt.want {
			t.Errorf("isGraphJSON(%s) = %v, want %v", tt.src, got, tt.want)
		}
	}
}
