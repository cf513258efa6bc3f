package nn

import (
	"math"
	"reflect"
	"slices"
	"testing"
)

// everyFieldConfigs holds one configuration of every class with each field
// the class takes set to a value other than its default, and pairs made
// asymmetric (height ≠ width, four different pads), so that a field dropped
// or two fields swapped on the way to the layer or through JSON show.
var everyFieldConfigs = []LayerConfig{
	{ClassName: "Conv2D", Name: "c", Filters: 4, KernelSize: [2]int{3, 2}, Strides: [2]int{2, 1}, Padding: "valid",
		Activation: "relu", NoBias: true, Groups: 2, DilationRate: [2]int{2, 1}, Pads: [4]int{1, 2, 3, 0}},
	{ClassName: "Conv2D", Name: "c2", Filters: 3, KernelSize: [2]int{1, 5}, Strides: [2]int{1, 3}, Padding: "same", Activation: "tanh"},
	{ClassName: "MaxPooling2D", Name: "m", PoolSize: [2]int{3, 2}, Strides: [2]int{1, 2}, Padding: "valid", Pads: [4]int{1, 0, 2, 1}, CeilMode: true},
	{ClassName: "MaxPooling2D", Name: "m2", PoolSize: [2]int{2, 4}, Strides: [2]int{2, 4}, Padding: "same"},
	{ClassName: "AveragePooling2D", Name: "a", PoolSize: [2]int{2, 3}, Strides: [2]int{2, 1}, Padding: "valid", Pads: [4]int{0, 1, 1, 2},
		CeilMode: true, CountIncludePad: true},
	{ClassName: "AveragePooling2D", Name: "a2", PoolSize: [2]int{3, 3}, Strides: [2]int{1, 2}, Padding: "valid", CountIncludePad: true},
	{ClassName: "GlobalAveragePooling2D", Name: "g"},
	{ClassName: "Flatten", Name: "f"},
	{ClassName: "Dense", Name: "d", Units: 3, Activation: "sigmoid", NoBias: true},
	{ClassName: "Dense", Name: "d2", Units: 5, Activation: "relu"},
	{ClassName: "Dropout", Name: "o", Rate: 0.25},
	{ClassName: "Activation", Name: "t", Activation: "tanh"},
	{ClassName: "BatchNormalization", Name: "b", Epsilon: 1e-5, Momentum: 0.9},
	{ClassName: "Add", Name: "add"},
	{ClassName: "Concatenate", Name: "cat"},
	{ClassName: "ZeroPadding2D", Name: "z", Pads: [4]int{1, 2, 3, 4}},
	{ClassName: "ReLU", Name: "r", MaxValue: 6, NegativeSlope: 0.1, Threshold: 0.5},
	{ClassName: "LeakyReLU", Name: "l", Alpha: 0.2},
	{ClassName: "Clip", Name: "clip", Min: -1, Max: 2},
	{ClassName: "HardSigmoid", Name: "h", Alpha: 0.125, Beta: 0.25},
	{ClassName: "HardSwish", Name: "hs"},
	{ClassName: "Softmax", Name: "s"},
	{ClassName: "Identity", Name: "i"},
	{ClassName: "Rescaling", Name: "re", Scale: 1.0 / 255, Offset: -0.7853981633974483},
	{ClassName: "Reshape", Name: "rs", TargetShape: [4]int{2, -1, 3}},
	{ClassName: "Multiply", Name: "mul"},
	{ClassName: "SiLU", Name: "si"},
}

// TestGraphLayerKeepsEveryField: the layer GraphLayer makes reports (Config)
// every field of the configuration it was made from, and MarshalJSON then
// parseLayer gives the configuration back — each field, no swaps.
func TestGraphLayerKeepsEveryField(t *testing.T) {
	classes := map[string]bool{}
	for _, c := range everyFieldConfigs {
		classes[c.ClassName] = true
		l, err := c.GraphLayer()
		if err != nil {
			t.Errorf("%s: %v", c.ClassName, err)
			continue
		}
		if got := l.Config(); !reflect.DeepEqual(got, c) {
			t.Errorf("%s: the layer's config\n%+v\nwant\n%+v", c.Name, got, c)
		}
		b, err := c.MarshalJSON()
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		back, err := parseLayer(b)
		if err != nil {
			t.Errorf("%s: %s: %v", c.Name, b, err)
			continue
		}
		if !reflect.DeepEqual(back, c) {
			t.Errorf("%s: %s read back as\n%+v\nwant\n%+v", c.Name, b, back, c)
		}
	}
	for _, name := range ClassNames() {
		if !classes[name] {
			t.Errorf("no configuration of %s", name)
		}
	}
}

// TestKerasDefaults: a configuration with only the required keys gets
// Keras' defaults — in withDefaults, in the parsed JSON and in the layer
// made from it: Conv2D strides (1, 1), padding "valid", activation
// "linear", a bias; pooling (2, 2) with strides the pool size;
// BatchNormalization epsilon 1e-3 and momentum 0.99; LeakyReLU alpha 0.3
// (Keras 2's LeakyReLU); HardSigmoid (0.2, 0.5).
func TestKerasDefaults(t *testing.T) {
	for _, tt := range []struct {
		json string
		bare LayerConfig // the required fields only
		want LayerConfig
	}{
		{`{"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": [3, 1]}}`,
			LayerConfig{ClassName: "Conv2D", Filters: 2, KernelSize: [2]int{3, 1}},
			LayerConfig{ClassName: "Conv2D", Filters: 2, KernelSize: [2]int{3, 1}, Strides: [2]int{1, 1}, Padding: "valid", Activation: "linear"}},
		{`{"class_name": "MaxPooling2D"}`, LayerConfig{ClassName: "MaxPooling2D"},
			LayerConfig{ClassName: "MaxPooling2D", PoolSize: [2]int{2, 2}, Strides: [2]int{2, 2}, Padding: "valid"}},
		{`{"class_name": "AveragePooling2D", "config": {"pool_size": [3, 1]}}`, LayerConfig{ClassName: "AveragePooling2D", PoolSize: [2]int{3, 1}},
			LayerConfig{ClassName: "AveragePooling2D", PoolSize: [2]int{3, 1}, Strides: [2]int{3, 1}, Padding: "valid"}},
		{`{"class_name": "Dense", "config": {"units": 4}}`, LayerConfig{ClassName: "Dense", Units: 4},
			LayerConfig{ClassName: "Dense", Units: 4, Activation: "linear"}},
		{`{"class_name": "BatchNormalization"}`, LayerConfig{ClassName: "BatchNormalization"},
			LayerConfig{ClassName: "BatchNormalization", Epsilon: 1e-3, Momentum: 0.99}},
		{`{"class_name": "LeakyReLU"}`, LayerConfig{ClassName: "LeakyReLU"}, LayerConfig{ClassName: "LeakyReLU", Alpha: 0.3}},
		{`{"class_name": "HardSigmoid"}`, LayerConfig{ClassName: "HardSigmoid"}, LayerConfig{ClassName: "HardSigmoid", Alpha: 0.2, Beta: 0.5}},
		{`{"class_name": "ReLU"}`, LayerConfig{ClassName: "ReLU"}, LayerConfig{ClassName: "ReLU"}},
		{`{"class_name": "Clip", "config": {"min": 0, "max": 6}}`, LayerConfig{ClassName: "Clip", Max: 6}, LayerConfig{ClassName: "Clip", Max: 6}},
	} {
		c, err := parseLayer([]byte(tt.json))
		if err != nil {
			t.Errorf("%s: %v", tt.json, err)
			continue
		}
		if !reflect.DeepEqual(c, tt.want) {
			t.Errorf("%s read as\n%+v\nwant\n%+v", tt.json, c, tt.want)
		}
		if got := tt.bare.withDefaults(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: withDefaults\n%+v\nwant\n%+v", tt.want.ClassName, got, tt.want)
		}
		l, err := tt.bare.GraphLayer()
		if err != nil {
			t.Errorf("%s: %v", tt.json, err)
			continue
		}
		if got := l.Config(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: the layer's config\n%+v\nwant\n%+v", tt.want.ClassName, got, tt.want)
		}
	}
	// The defaults act: the LeakyReLU made from {} has slope 0.3.
	l, err := LayerConfig{ClassName: "LeakyReLU"}.Layer()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Build([]int{2}); err != nil {
		t.Fatal(err)
	}
	x, y := NewTensor(1, 2), NewTensor(1, 2)
	copy(x.Data, []float32{-10, 4})
	l.Forward(y, x, false)
	if math.Abs(float64(y.Data[0])+3) > 1e-6 || y.Data[1] != 4 {
		t.Errorf("LeakyReLU{}(−10, 4) = %v, want (−3, 4)", y.Data)
	}
}

// TestArchCopies: the architecture Arch returns owns its slices — changing
// it leaves the model (and the graph) as they were.
func TestArchCopies(t *testing.T) {
	m := smallConvNet(t, 1, 1)
	want := slices.Clone(m.Arch().InputShape)
	a := m.Arch()
	a.InputShape[0] = 99
	if got := m.Arch().InputShape; !slices.Equal(got, want) {
		t.Errorf("changing Arch's input shape changed the model's: %v, want %v", got, want)
	}
	g := m.Graph()
	ga := g.Arch()
	ga.InputShape[0] = 99
	ga.Nodes[0].Inputs[0] = "elsewhere"
	if got := g.Arch(); !slices.Equal(got.InputShape, want) || got.Nodes[0].Inputs[0] != GraphInput {
		t.Errorf("changing Graph.Arch changed the graph's: %v, %v", got.InputShape, got.Nodes[0].Inputs)
	}
}
