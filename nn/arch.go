package nn

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Arch is a Sequential model's architecture as data: the per-sample input
// shape and each layer's configuration. Its JSON form is modelled on Keras'
// model.to_json(), trimmed to what Convscope's layers take:
//
//	{
//	  "input_shape": [28, 28, 1],
//	  "layers": [
//	    {"class_name": "Conv2D", "config": {"filters": 32, "kernel_size": [3, 3], "activation": "relu"}},
//	    {"class_name": "MaxPooling2D", "config": {"pool_size": [2, 2]}},
//	    {"class_name": "Conv2D", "config": {"filters": 64, "kernel_size": 3, "padding": "same", "activation": "relu"}},
//	    {"class_name": "MaxPooling2D", "config": {}},
//	    {"class_name": "Flatten"},
//	    {"class_name": "Dropout", "config": {"rate": 0.5}},
//	    {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}
//	  ]
//	}
//
// is a 28×28 grayscale, 10-class network. input_shape is (height, width,
// channels) for images. Each layer has a class_name and a config object whose
// keys are Keras' argument names; keys left out take Keras' defaults:
//
//	class_name              config keys (required first; default)
//	Conv2D                  filters, kernel_size; strides [1, 1], padding "valid",
//	                        activation "linear", use_bias true
//	MaxPooling2D            pool_size [2, 2], strides (= pool_size), padding "valid"
//	AveragePooling2D        as MaxPooling2D
//	GlobalAveragePooling2D  –
//	Flatten                 –
//	Dense                   units; activation "linear", use_bias true
//	Dropout                 rate
//	Activation              activation
//
// Every class also takes "name" (default: Keras' automatic conv2d_1, dense_2,
// …). kernel_size, pool_size and strides are [height, width] or one integer
// for both; padding is "valid" or "same"; activation is one of
// ActivationNames. Unknown classes, keys and activations are errors, so a
// typo never passes silently. MarshalJSON writes every key explicitly, in
// the order above, one layer per line.
type Arch struct {
	InputShape []int
	Layers     []LayerConfig
}

// LayerConfig is one layer of an Arch: {"class_name": "Conv2D", "config":
// {...}} in JSON (see Arch). Zero fields mean Keras' defaults (strides (1, 1)
// or the pool size, padding "valid", pool size (2, 2), activation "linear");
// fields a class does not take must be zero. Layer.Config returns it with
// every field explicit.
type LayerConfig struct {
	ClassName  string  // Keras class name, e.g. "Conv2D"
	Name       string  // layer name; "" for an automatic one
	Filters    int     // Conv2D
	KernelSize [2]int  // Conv2D: (height, width)
	PoolSize   [2]int  // MaxPooling2D, AveragePooling2D
	Strides    [2]int  // Conv2D and pooling
	Padding    string  // Conv2D and pooling: "valid" or "same"
	Units      int     // Dense
	Activation string  // Conv2D, Dense, Activation
	NoBias     bool    // Conv2D, Dense: Keras use_bias=False
	Rate       float64 // Dropout

	// Graph layers (see Graph); zero means the default.
	Groups          int     // Conv2D: groups (default 1)
	DilationRate    [2]int  // Conv2D: (default 1, 1)
	Pads            [4]int  // Conv2D, pooling, ZeroPadding2D: explicit zero padding (top, left, bottom, right)
	CeilMode        bool    // pooling
	CountIncludePad bool    // AveragePooling2D
	Epsilon         float64 // BatchNormalization (default 1e-3)
	Momentum        float64 // BatchNormalization (default 0.99)
	MaxValue        float64 // ReLU: max_value (0: none, Keras None)
	NegativeSlope   float64 // ReLU: negative_slope
	Threshold       float64 // ReLU: threshold
	Alpha           float64 // LeakyReLU: alpha; HardSigmoid: alpha (default 0.2)
	Beta            float64 // HardSigmoid: beta (default 0.5)
	Min, Max        float64 // Clip
	Scale, Offset   float64 // Rescaling: y = x·scale + offset
	TargetShape     [4]int  // Reshape: per-sample shape (rank ≤ 4, unused entries 0), one entry may be -1
}

// classKeys lists each class's config keys in output order; required keys
// are marked with a trailing '!', keys written only when they differ from
// their default (the graph-era options of Sequential's classes, so that a
// Sequential architecture reads as it always did) with a trailing '?'.
var classKeys = map[string][]string{
	"Conv2D":                 {"name", "filters!", "kernel_size!", "strides", "padding", "activation", "use_bias", "groups?", "dilation_rate?", "pads?"},
	"MaxPooling2D":           {"name", "pool_size", "strides", "padding", "pads?", "ceil_mode?"},
	"AveragePooling2D":       {"name", "pool_size", "strides", "padding", "pads?", "ceil_mode?", "count_include_pad?"},
	"GlobalAveragePooling2D": {"name"},
	"Flatten":                {"name"},
	"Dense":                  {"name", "units!", "activation", "use_bias"},
	"Dropout":                {"name", "rate!"},
	"Activation":             {"name", "activation!"},
	"BatchNormalization":     {"name", "epsilon", "momentum"},
	"Add":                    {"name"},
	"Concatenate":            {"name"},
	"ZeroPadding2D":          {"name", "padding!"},
	"ReLU":                   {"name", "max_value", "negative_slope", "threshold"},
	"LeakyReLU":              {"name", "alpha"},
	"Clip":                   {"name", "min!", "max!"},
	"HardSigmoid":            {"name", "alpha", "beta"},
	"HardSwish":              {"name"},
	"Softmax":                {"name"},
	"Identity":               {"name"},
	"Rescaling":              {"name", "scale!", "offset"},
	"Reshape":                {"name", "target_shape!"},
	"Multiply":               {"name"},
	"SiLU":                   {"name"},
}

// ClassNames lists the layer classes an Arch may use (a Sequential takes
// the single-input ones; Add, Concatenate and Multiply need a Graph).
func ClassNames() []string {
	return []string{"Conv2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D", "Flatten", "Dense", "Dropout", "Activation",
		"BatchNormalization", "Add", "Concatenate", "ZeroPadding2D", "ReLU", "LeakyReLU", "Clip", "HardSigmoid", "HardSwish",
		"Softmax", "Identity", "Rescaling", "Reshape", "Multiply", "SiLU"}
}

// keyName strips a class key's '!' or '?' marker.
func keyName(k string) string { return strings.TrimRight(k, "!?") }

// withDefaults returns c with zero fields replaced by Keras' defaults.
func (c LayerConfig) withDefaults() LayerConfig {
	switch c.ClassName {
	case "Conv2D":
		c.Strides = pairOr(c.Strides, [2]int{1, 1})
	case "MaxPooling2D", "AveragePooling2D":
		c.PoolSize = pairOr(c.PoolSize, [2]int{2, 2})
		c.Strides = pairOr(c.Strides, c.PoolSize)
	}
	if c.Padding == "" && c.ClassName != "" && slices.Contains(classKeys[c.ClassName], "padding") {
		c.Padding = "valid"
	}
	if c.Activation == "" && (c.ClassName == "Conv2D" || c.ClassName == "Dense") {
		c.Activation = "linear"
	}
	switch c.ClassName {
	case "BatchNormalization":
		c.Epsilon = floatOr(c.Epsilon, 1e-3)
		c.Momentum = floatOr(c.Momentum, 0.99)
	case "LeakyReLU":
		c.Alpha = floatOr(c.Alpha, 0.3)
	case "HardSigmoid":
		if c.Alpha == 0 && c.Beta == 0 {
			c.Alpha, c.Beta = 0.2, 0.5
		}
	}
	return c
}

func floatOr(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// zeroExtensions sets the graph-era fields that hold their default to zero
// (groups 1, dilation (1, 1)), so that a Sequential layer's configuration
// is what it was before they existed.
func (c LayerConfig) zeroExtensions() LayerConfig {
	if c.Groups == 1 {
		c.Groups = 0
	}
	if c.DilationRate == [2]int{1, 1} {
		c.DilationRate = [2]int{}
	}
	return c
}

func pairOr(p, def [2]int) [2]int {
	if p == ([2]int{}) {
		return def
	}
	return p
}

// Layer returns a new, unbuilt single-input layer for the configuration,
// or an error if the class is unknown, takes several inputs (Add,
// Concatenate: see GraphLayer) or a value is invalid.
func (c LayerConfig) Layer() (Layer, error) {
	l, err := c.GraphLayer()
	if err != nil {
		return nil, err
	}
	single, ok := l.(Layer)
	if !ok {
		return nil, fmt.Errorf("%s takes several inputs: it needs a Graph, not a Sequential model", c.ClassName)
	}
	return single, nil
}

// GraphLayer returns a new, unbuilt layer for the configuration, a Layer or
// a MergeLayer, or an error if the class is unknown or a value is invalid.
func (c LayerConfig) GraphLayer() (LayerBase, error) {
	c = c.withDefaults()
	name := WithName(c.Name)
	var l interface {
		LayerBase
		check() error
	}
	switch c.ClassName {
	case "Conv2D":
		l = NewConv2D(c.Filters, c.KernelSize[0], c.KernelSize[1], name, WithStrides(c.Strides[0], c.Strides[1]),
			WithPadding(c.Padding), WithActivation(c.Activation), WithUseBias(!c.NoBias), WithGroups(max(c.Groups, 1)),
			WithDilation(pairOr(c.DilationRate, [2]int{1, 1})[0], pairOr(c.DilationRate, [2]int{1, 1})[1]),
			WithPads(c.Pads[0], c.Pads[1], c.Pads[2], c.Pads[3]))
	case "MaxPooling2D":
		l = NewMaxPooling2D(c.PoolSize[0], c.PoolSize[1], name, WithStrides(c.Strides[0], c.Strides[1]), WithPadding(c.Padding),
			WithPads(c.Pads[0], c.Pads[1], c.Pads[2], c.Pads[3]), WithCeilMode(c.CeilMode))
	case "AveragePooling2D":
		l = NewAveragePooling2D(c.PoolSize[0], c.PoolSize[1], name, WithStrides(c.Strides[0], c.Strides[1]), WithPadding(c.Padding),
			WithPads(c.Pads[0], c.Pads[1], c.Pads[2], c.Pads[3]), WithCeilMode(c.CeilMode), WithCountIncludePad(c.CountIncludePad))
	case "GlobalAveragePooling2D":
		l = NewGlobalAveragePooling2D(name)
	case "Flatten":
		l = NewFlatten(name)
	case "Dense":
		l = NewDense(c.Units, name, WithActivation(c.Activation), WithUseBias(!c.NoBias))
	case "Dropout":
		l = NewDropout(c.Rate, name)
	case "Activation":
		l = NewActivation(c.Activation, name)
	case "BatchNormalization":
		l = NewBatchNormalization(name, WithEpsilon(c.Epsilon), WithMomentum(c.Momentum))
	case "Add":
		l = NewAdd(name)
	case "Concatenate":
		l = NewConcatenate(name)
	case "ZeroPadding2D":
		l = NewZeroPadding2D(c.Pads[0], c.Pads[2], c.Pads[1], c.Pads[3], name)
	case "ReLU":
		l = NewReLU(c.MaxValue, c.NegativeSlope, c.Threshold, name)
	case "LeakyReLU":
		l = NewLeakyReLU(c.Alpha, name)
	case "Clip":
		l = NewClip(c.Min, c.Max, name)
	case "HardSigmoid":
		l = NewHardSigmoid(c.Alpha, c.Beta, name)
	case "HardSwish":
		l = NewHardSwish(name)
	case "Softmax":
		l = NewSoftmax(name)
	case "Identity":
		l = NewIdentity(name)
	case "Rescaling":
		l = NewRescaling(c.Scale, c.Offset, name)
	case "Reshape":
		l = NewReshape(c.targetShape(), name)
	case "Multiply":
		l = NewMultiply(name)
	case "SiLU":
		l = NewSiLU(name)
	default:
		return nil, fmt.Errorf("unknown class_name %q (expected one of %s)", c.ClassName, strings.Join(ClassNames(), ", "))
	}
	if err := l.check(); err != nil {
		return nil, err
	}
	if extra := c.unusedFields(); extra != "" {
		return nil, fmt.Errorf("%s: unexpected %s", c.ClassName, extra)
	}
	return l, nil
}

// unusedFields names a non-zero field the class does not take, if any.
func (c LayerConfig) unusedFields() string {
	keys := classKeys[c.ClassName]
	has := func(k string) bool {
		return slices.ContainsFunc(keys, func(key string) bool { return keyName(key) == k })
	}
	pads := "pads"
	if c.ClassName == "ZeroPadding2D" {
		pads = "padding"
	}
	for _, f := range []struct {
		key string
		set bool
	}{
		{"filters", c.Filters != 0}, {"kernel_size", c.KernelSize != [2]int{}}, {"pool_size", c.PoolSize != [2]int{}},
		{"strides", c.Strides != [2]int{}}, {"padding", c.Padding != ""}, {"units", c.Units != 0},
		{"activation", c.Activation != ""}, {"use_bias", c.NoBias}, {"rate", c.Rate != 0},
		{"groups", c.Groups != 0}, {"dilation_rate", c.DilationRate != [2]int{}}, {pads, c.Pads != [4]int{}},
		{"ceil_mode", c.CeilMode}, {"count_include_pad", c.CountIncludePad}, {"epsilon", c.Epsilon != 0},
		{"momentum", c.Momentum != 0}, {"max_value", c.MaxValue != 0}, {"negative_slope", c.NegativeSlope != 0},
		{"threshold", c.Threshold != 0}, {"alpha", c.Alpha != 0}, {"beta", c.Beta != 0}, {"min", c.Min != 0},
		{"max", c.Max != 0}, {"scale", c.Scale != 0}, {"offset", c.Offset != 0}, {"target_shape", c.TargetShape != [4]int{}},
	} {
		if f.set && !has(f.key) {
			return f.key
		}
	}
	return ""
}

// targetShape returns Reshape's target shape without its unused entries.
func (c LayerConfig) targetShape() []int {
	s := c.TargetShape[:]
	for len(s) > 0 && s[len(s)-1] == 0 {
		s = s[:len(s)-1]
	}
	return slices.Clone(s)
}

// Build makes the model the architecture describes (weights initialised
// with seed 0, see Sequential.Init).
func (a Arch) Build() (*Sequential, error) { return a.build(true) }

// build is Build; with draw false the weights stay zero (newSequential), for
// Load, which reads every one of them from the file next.
func (a Arch) build(draw bool) (*Sequential, error) {
	layers := make([]Layer, len(a.Layers))
	for i, c := range a.Layers {
		l, err := c.Layer()
		if err != nil {
			return nil, fmt.Errorf("nn: layer %d: %w", i+1, err)
		}
		layers[i] = l
	}
	return newSequential(a.InputShape, layers, draw, nil)
}

// Arch returns the model's architecture; Arch().Build() makes a model of the
// same shape (with fresh weights).
func (m *Sequential) Arch() Arch {
	a := Arch{InputShape: append([]int(nil), m.input...)}
	for _, l := range m.layers {
		a.Layers = append(a.Layers, l.Config())
	}
	return a
}

// ParseArch reads an architecture in the JSON form described at Arch,
// filling in defaults. Errors name the layer and key at fault, or the line
// and column of a JSON syntax error.
func ParseArch(data []byte) (Arch, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := position(data, se.Offset)
			return Arch{}, fmt.Errorf("arch: invalid JSON at line %d, column %d: %v", line, col, err)
		}
		return Arch{}, fmt.Errorf("arch: expected a JSON object with \"input_shape\" and \"layers\", received %s", excerpt(data))
	}
	for _, k := range sortedKeys(top) {
		if k != "input_shape" && k != "layers" {
			return Arch{}, fmt.Errorf("arch: unknown key %q (expected input_shape, layers)", k)
		}
	}
	var a Arch
	raw, ok := top["input_shape"]
	if !ok {
		return Arch{}, errors.New(`arch: missing "input_shape"`)
	}
	if err := json.Unmarshal(raw, &a.InputShape); err != nil || len(a.InputShape) == 0 || slices.ContainsFunc(a.InputShape, func(d int) bool { return d <= 0 }) {
		return Arch{}, fmt.Errorf("arch: \"input_shape\": expected a list of positive integers such as [150, 150, 3], received %s", excerpt(raw))
	}
	var layers []json.RawMessage
	if raw, ok = top["layers"]; !ok {
		return Arch{}, errors.New(`arch: missing "layers"`)
	}
	if err := json.Unmarshal(raw, &layers); err != nil || len(layers) == 0 {
		return Arch{}, fmt.Errorf("arch: \"layers\": expected a non-empty list of layers, received %s", excerpt(raw))
	}
	for i, raw := range layers {
		c, err := parseLayer(raw)
		if err != nil {
			return Arch{}, fmt.Errorf("arch: layer %d: %w", i+1, err)
		}
		a.Layers = append(a.Layers, c)
	}
	return a, nil
}
