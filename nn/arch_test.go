package nn

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// mnistJSON is the 28×28 grayscale, 10-class example of Arch's doc comment.
const mnistJSON = `{
  "input_shape": [28, 28, 1],
  "layers": [
    {"class_name": "Conv2D", "config": {"filters": 32, "kernel_size": [3, 3], "activation": "relu"}},
    {"class_name": "MaxPooling2D", "config": {"pool_size": [2, 2]}},
    {"class_name": "Conv2D", "config": {"filters": 64, "kernel_size": 3, "padding": "same", "activation": "relu"}},
    {"class_name": "MaxPooling2D", "config": {}},
    {"class_name": "Flatten"},
    {"class_name": "Dropout", "config": {"rate": 0.5}},
    {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}
  ]
}`

func TestParseArchMNIST(t *testing.T) {
	a, err := ParseArch([]byte(mnistJSON))
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.Build()
	if err != nil {
		t.Fatal(err)
	}
	wantShapes := [][]int{{26, 26, 32}, {13, 13, 32}, {13, 13, 64}, {6, 6, 64}, {2304}, {2304}, {10}}
	for i, want := range wantShapes {
		if got := m.LayerOutputShape(i); !slices.Equal(got, want) {
			t.Errorf("layer %d (%s) output %v, want %v", i+1, m.Layers()[i].Name(), got, want)
		}
	}
	// Defaults filled in: strides, padding, pool strides, use_bias.
	c := a.Layers[2]
	if c.KernelSize != [2]int{3, 3} || c.Strides != [2]int{1, 1} || c.Padding != "same" || c.NoBias {
		t.Errorf("conv config %+v", c)
	}
	if p := a.Layers[3]; p.PoolSize != [2]int{2, 2} || p.Strides != [2]int{2, 2} || p.Padding != "valid" {
		t.Errorf("pool config %+v", p)
	}
	want := 32*9 + 32 + 64*9*32 + 64 + 2304*10 + 10
	if n := m.CountParams(); n != want {
		t.Errorf("CountParams = %d, want %d", n, want)
	}
}

func TestArchRoundTrip(t *testing.T) {
	for _, src := range []string{mnistJSON, allClassesJSON} {
		a, err := ParseArch([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		m, err := a.Build()
		if err != nil {
			t.Fatal(err)
		}
		b1, err := m.Arch().MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		a2, err := ParseArch(b1)
		if err != nil {
			t.Fatalf("reparse: %v\n%s", err, b1)
		}
		if !reflect.DeepEqual(a2, m.Arch()) {
			t.Errorf("round trip changed the architecture:\n%+v\n%+v", a2, m.Arch())
		}
		b2, _ := a2.MarshalJSON()
		if string(b1) != string(b2) {
			t.Errorf("MarshalJSON is not stable:\n%s\n%s", b1, b2)
		}
		// encoding/json goes through the same methods.
		var a3 Arch
		if err := json.Unmarshal(b1, &a3); err != nil || !reflect.DeepEqual(a3, a2) {
			t.Errorf("json.Unmarshal: %v, %+v", err, a3)
		}
	}
}

const allClassesJSON = `{"input_shape": [9, 8, 2], "layers": [
 {"class_name": "Conv2D", "config": {"name": "c", "filters": 3, "kernel_size": [3, 2], "strides": [2, 1], "padding": "same", "activation": "tanh", "use_bias": false}},
 {"class_name": "AveragePooling2D", "config": {"pool_size": 2, "strides": null, "padding": "same"}},
 {"class_name": "Activation", "config": {"activation": "sigmoid"}},
 {"class_name": "MaxPooling2D", "config": {"pool_size": [2, 1], "strides": 1}},
 {"class_name": "GlobalAveragePooling2D", "config": {}},
 {"class_name": "Dropout", "config": {"rate": 0.25}},
 {"class_name": "Dense", "config": {"units": 4, "use_bias": false}}
]}`

func TestReferenceArch(t *testing.T) {
	m := sharedReference(t)
	if !reflect.DeepEqual(m.Arch(), ReferenceArch()) {
		t.Errorf("ReferenceModel().Arch() differs from ReferenceArch():\n%+v\n%+v", m.Arch(), ReferenceArch())
	}
	if n := m.CountParams(); n != 3453121 {
		t.Errorf("CountParams = %d, want 3453121", n)
	}
}

func TestParseArchErrors(t *testing.T) {
	layer := func(l string) string { return `{"input_shape": [8, 8, 1], "layers": [` + l + `]}` }
	cases := []struct{ src, want string }{
		{"{\n  \"input_shape\": [8, 8, 1],\n  \"layers\": [}\n}", "arch: invalid JSON at line 3, column 14: invalid character '}' looking for beginning of value"},
		{`[1, 2]`, `arch: expected a JSON object with "input_shape" and "layers", received [1, 2]`},
		{`{"layers": []}`, `arch: missing "input_shape"`},
		{`{"input_shape": [8, 0, 1], "layers": []}`, `arch: "input_shape": expected a list of positive integers such as [150, 150, 3], received [8, 0, 1]`},
		{`{"input_shape": [8, 8, 1]}`, `arch: missing "layers"`},
		{`{"input_shape": [8, 8, 1], "layers": []}`, `arch: "layers": expected a non-empty list of layers, received []`},
		{`{"input_shape": [8, 8, 1], "layers": [], "optimizer": "adam"}`, `arch: unknown key "optimizer" (expected input_shape, layers)`},
		{layer(`{"class_name": "Conv3D"}`), `arch: layer 1: unknown class_name "Conv3D" (expected one of Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D, Flatten, Dense, Dropout, Activation, BatchNormalization, Add, Concatenate, ZeroPadding2D, ReLU, LeakyReLU, Clip, HardSigmoid, HardSwish, Softmax, Identity, Rescaling, Reshape, Multiply, SiLU)`},
		{layer(`{"config": {}}`), `arch: layer 1: missing "class_name"`},
		{layer(`{"class_name": "Flatten", "cfg": {}}`), `arch: layer 1: unknown key "cfg" (expected class_name, config)`},
		{layer(`{"class_name": "Conv2D", "config": {"kernel_size": 3}}`), `arch: layer 1: Conv2D: missing "filters"`},
		{layer(`{"class_name": "Flatten"}, {"class_name": "Dense", "config": {"units": 2, "activation": "rleu"}}`), `arch: layer 2: Dense: unknown activation "rleu" (expected one of linear, relu, sigmoid, tanh, softmax, relu6)`},
		{layer(`{"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": 3, "filtres": 3}}`), `arch: layer 1: Conv2D: unknown key "filtres" (expected one of name, filters, kernel_size, strides, padding, activation, use_bias, groups, dilation_rate, pads)`},
		{layer(`{"class_name": "Conv2D", "config": {"filters": "32", "kernel_size": 3}}`), `arch: layer 1: Conv2D: "filters": expected an integer, received "32"`},
		{layer(`{"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": [3, 3, 3]}}`), `arch: layer 1: Conv2D: "kernel_size": expected [height, width] or an integer, received [3, 3, 3]`},
		{layer(`{"class_name": "Conv2D", "config": {"filters": -2, "kernel_size": 3}}`), `arch: layer 1: Conv2D: expected filters > 0, received -2`},
		{layer(`{"class_name": "MaxPooling2D", "config": {"padding": "full"}}`), `arch: layer 1: MaxPooling2D: expected padding "valid" or "same", received "full"`},
		{layer(`{"class_name": "Dropout", "config": {"rate": 2}}`), `arch: layer 1: Dropout: expected rate in [0, 1), received 2`},
		{layer(`{"class_name": "Dense", "config": {"units": 3, "use_bias": "yes"}}`), `arch: layer 1: Dense: "use_bias": expected true or false, received "yes"`},
	}
	for _, c := range cases {
		_, err := ParseArch([]byte(c.src))
		if err == nil || err.Error() != c.want {
			t.Errorf("ParseArch(%s)\n got: %v\nwant: %s", c.src, err, c.want)
		}
	}
}

func TestArchBuildErrors(t *testing.T) {
	// Shape errors surface at Build, naming the layer.
	a := Arch{InputShape: []int{28, 28, 1}, Layers: []LayerConfig{
		{ClassName: "Conv2D", Filters: 4, KernelSize: [2]int{3, 3}},
		{ClassName: "Dense", Units: 10},
	}}
	_, err := a.Build()
	if err == nil || !strings.Contains(err.Error(), "Dense: expected input of rank 1 (features), received (26, 26, 4)") {
		t.Errorf("err = %v", err)
	}
	a.Layers[1] = LayerConfig{ClassName: "Dense", Units: 10, Strides: [2]int{2, 2}}
	if _, err := a.Build(); err == nil || !strings.Contains(err.Error(), "Dense: unexpected strides") {
		t.Errorf("err = %v", err)
	}
}

func TestLayerConfigZeroDefaults(t *testing.T) {
	// Zero fields are Keras' defaults, so a hand-written Go config is short.
	l, err := LayerConfig{ClassName: "Conv2D", Filters: 8, KernelSize: [2]int{3, 3}}.Layer()
	if err != nil {
		t.Fatal(err)
	}
	want := LayerConfig{ClassName: "Conv2D", Filters: 8, KernelSize: [2]int{3, 3}, Strides: [2]int{1, 1}, Padding: "valid", Activation: "linear"}
	if got := l.Config(); got != want {
		t.Errorf("Config() = %+v, want %+v", got, want)
	}
}

func TestNewSequentialNeedsLayers(t *testing.T) {
	if _, err := NewSequential([]int{4}); err == nil {
		t.Error("a model without layers was accepted")
	}
}
