package keras

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/convscope/convscope/nn"
)

// supported lists the Keras classes this package builds, for error messages.
var supported = []string{"InputLayer", "Conv2D", "DepthwiseConv2D", "SeparableConv2D", "MaxPooling2D", "AveragePooling2D",
	"GlobalAveragePooling2D", "Dense", "Flatten", "Dropout", "SpatialDropout2D", "Identity", "GaussianNoise",
	"GaussianDropout", "ActivityRegularization", "Activation", "ReLU", "LeakyReLU", "Softmax",
	"BatchNormalization", "Normalization", "Add", "Multiply", "Concatenate", "ZeroPadding2D", "Reshape", "Rescaling"}

// unsupportedError names the layer, its class and what is supported.
func unsupportedError(l kLayer, why string) error {
	if why == "" {
		why = "is not supported"
	}
	return fmt.Errorf("keras: layer %q of class %s %s (supported classes: %s)", l.Name, l.Class, why, strings.Join(supported, ", "))
}

// activationLayer builds a standalone activation (Activation layer).
func activationLayer(name, a string, l kLayer) (nn.Layer, error) {
	opt := nn.WithName(name)
	switch a {
	case "relu6":
		return nn.NewReLU(6, 0, 0, opt), nil
	case "leaky_relu":
		return nn.NewLeakyReLU(0.2, opt), nil
	case "hard_sigmoid":
		// Keras 2: clip(0.2x + 0.5, 0, 1); Keras 3: relu6(x + 3)/6
		// (keras/src/activations/activations.py 518-537).
		if l.Keras3 {
			return nn.NewHardSigmoid(1.0/6, 0.5, opt), nil
		}
		return nn.NewHardSigmoid(0.2, 0.5, opt), nil
	case "hard_swish", "hard_silu":
		return nn.NewHardSwish(opt), nil
	case "swish", "silu": // x·sigmoid(x), EfficientNet's
		return nn.NewSiLU(opt), nil
	}
	for _, n := range nn.ActivationNames() {
		if n == a {
			return nn.NewActivation(a, opt), nil
		}
	}
	return nil, fmt.Errorf("keras: layer %q (%s): activation %q is not supported (expected one of %s, relu6, leaky_relu, hard_sigmoid, hard_swish, swish, silu)", l.Name, l.Class, a, strings.Join(nn.ActivationNames(), ", "))
}

// convert builds the nn layers for a Keras layer: usually one, a chain when
// nn needs several (SeparableConv2D; a Conv2D or Dense whose activation nn
// has as a layer), the last named as the Keras layer; nil for an
// InputLayer. cin is the input channel count if known (DepthwiseConv2D and
// SeparableConv2D need it).
func convert(l kLayer, cin int) ([]nn.LayerBase, error) {
	c := &cfg{l: l}
	name := nn.WithName(l.Name)
	var out nn.LayerBase
	switch l.Class {
	case "InputLayer":
		return nil, nil
	case "Conv2D":
		c.channelsLast()
		k := c.pair("kernel_size", [2]int{0, 0})
		s := c.pair("strides", [2]int{1, 1})
		d := c.pair("dilation_rate", [2]int{1, 1})
		out = nn.NewConv2D(c.int("filters", 0), k[0], k[1], name, nn.WithStrides(s[0], s[1]),
			nn.WithPadding(c.str("padding", "valid")), nn.WithDilation(d[0], d[1]),
			nn.WithGroups(c.int("groups", 1)), nn.WithActivation(c.activation("activation")),
			nn.WithUseBias(c.bool("use_bias", true)))
	case "DepthwiseConv2D", "SeparableConv2D":
		// Keras' depthwise kernel (kh, kw, cin, mult) is, value for value, a
		// grouped Conv2D's (kh, kw, 1, cin·mult) with groups = cin (output
		// channel c·mult + m). SeparableConv2D follows it with a 1×1
		// Conv2D (pointwise_kernel, bias). cin comes from the input's shape:
		// the first build uses a probe that learns it (see probe.go).
		c.channelsLast()
		k := c.pair("kernel_size", [2]int{0, 0})
		s := c.pair("strides", [2]int{1, 1})
		d := c.pair("dilation_rate", [2]int{1, 1})
		mult := c.int("depth_multiplier", 1)
		act, pad, bias := c.activation("activation"), c.str("padding", "valid"), c.bool("use_bias", true)
		filters := c.int("filters", 0)
		if c.err != nil {
			return nil, c.err
		}
		if cin <= 0 {
			return []nn.LayerBase{&channelProbe{name: l.Name, make: func(cin int) ([]nn.LayerBase, error) { return convert(l, cin) }}}, nil
		}
		if l.Class == "DepthwiseConv2D" {
			out = nn.NewConv2D(cin*mult, k[0], k[1], name, nn.WithStrides(s[0], s[1]), nn.WithPadding(pad),
				nn.WithDilation(d[0], d[1]), nn.WithGroups(cin), nn.WithActivation(act), nn.WithUseBias(bias))
			break
		}
		dw := nn.NewConv2D(cin*mult, k[0], k[1], nn.WithName(l.Name+"_depthwise"), nn.WithStrides(s[0], s[1]),
			nn.WithPadding(pad), nn.WithDilation(d[0], d[1]), nn.WithGroups(cin), nn.WithUseBias(false))
		pw := nn.NewConv2D(filters, 1, 1, name, nn.WithActivation(act), nn.WithUseBias(bias))
		return c.chain(dw, pw)
	case "MaxPooling2D", "AveragePooling2D":
		c.channelsLast()
		p := c.pair("pool_size", [2]int{2, 2})
		s := c.pair("strides", p)
		opts := []nn.Option{name, nn.WithStrides(s[0], s[1]), nn.WithPadding(c.str("padding", "valid"))}
		if l.Class == "MaxPooling2D" {
			out = nn.NewMaxPooling2D(p[0], p[1], opts...)
		} else {
			out = nn.NewAveragePooling2D(p[0], p[1], opts...)
		}
	case "GlobalAveragePooling2D":
		c.channelsLast()
		if c.bool("keepdims", false) && c.err == nil {
			return nil, unsupportedError(l, "has keepdims=True")
		}
		out = nn.NewGlobalAveragePooling2D(name)
	case "Dense":
		out = nn.NewDense(c.int("units", 0), name, nn.WithActivation(c.activation("activation")),
			nn.WithUseBias(c.bool("use_bias", true)))
	case "Flatten":
		c.channelsLast()
		out = nn.NewFlatten(name)
	case "Dropout", "SpatialDropout2D":
		// SpatialDropout2D drops whole channels while training; at
		// inference both are the identity.
		out = nn.NewDropout(c.float("rate", 0), name)
	case "Identity", "GaussianNoise", "GaussianDropout", "ActivityRegularization":
		// The identity at inference (the noise layers only act in training).
		out = nn.NewIdentity(name)
	case "Activation":
		a := c.str("activation", "linear")
		if c.err != nil {
			return nil, c.err
		}
		al, err := activationLayer(l.Name, a, l)
		if err != nil {
			return nil, err
		}
		return []nn.LayerBase{al}, nil
	case "ReLU":
		out = nn.NewReLU(c.float("max_value", 0), c.float("negative_slope", 0), c.float("threshold", 0), name)
	case "LeakyReLU":
		// Keras 2 calls the slope alpha (default 0.3), Keras 3 negative_slope.
		a := c.float("alpha", 0.3)
		if _, ok := c.raw("negative_slope"); ok {
			a = c.float("negative_slope", 0.3)
		}
		out = nn.NewLeakyReLU(a, name)
	case "Softmax":
		c.axisLast(-1)
		out = nn.NewSoftmax(name)
	case "Normalization":
		// keras.layers.Normalization: (x - mean) / max(sqrt(variance),
		// 1e-7), a BatchNormalization with gamma 1, beta 0 and a negligible
		// epsilon (nn needs one > 0).
		c.axisLast(-1)
		if c.bool("invert", false) && c.err == nil {
			return nil, unsupportedError(l, "has invert=True")
		}
		out = nn.NewBatchNormalization(name, nn.WithEpsilon(1e-14))
	case "BatchNormalization":
		c.axisLast(-1)
		out = nn.NewBatchNormalization(name, nn.WithEpsilon(c.float("epsilon", 1e-3)), nn.WithMomentum(c.float("momentum", 0.99)))
	case "Add":
		out = nn.NewAdd(name)
	case "Multiply": // with the squeeze-excitation broadcast (nn.Multiply)
		out = nn.NewMultiply(name)
	case "Concatenate":
		c.axisLast(-1)
		out = nn.NewConcatenate(name)
	case "ZeroPadding2D":
		c.channelsLast()
		t, b, le, r, err := zeroPadding(c)
		if err != nil {
			return nil, err
		}
		out = nn.NewZeroPadding2D(t, b, le, r, name)
	case "Reshape":
		out = nn.NewReshape(c.ints("target_shape"), name)
	case "Rescaling":
		out = nn.NewRescaling(c.float("scale", 1), c.float("offset", 0), name)
	default:
		return nil, unsupportedError(l, "")
	}
	return c.chain(out)
}

// chain returns ls, followed by the activation layer c.extra asks for (the
// last layer then takes the name "<name>_preactivation"), or c's error.
func (c *cfg) chain(ls ...nn.LayerBase) ([]nn.LayerBase, error) {
	if c.err != nil {
		return nil, c.err
	}
	if c.extra == "" {
		return ls, nil
	}
	ls[len(ls)-1].SetName(c.l.Name + "_preactivation")
	a, err := activationLayer(c.l.Name, c.extra, c.l)
	if err != nil {
		return nil, err
	}
	return append(ls, a), nil
}

// zeroPadding reads ZeroPadding2D's padding: n, (rows, cols) or
// ((top, bottom), (left, right)).
func zeroPadding(c *cfg) (t, b, l, r int, err error) {
	raw, ok := c.raw("padding")
	if !ok {
		return 1, 1, 1, 1, nil
	}
	var n int
	if json.Unmarshal(raw, &n) == nil {
		return n, n, n, n, nil
	}
	var p []int
	if json.Unmarshal(raw, &p) == nil && len(p) == 2 {
		return p[0], p[0], p[1], p[1], nil
	}
	var pp [][]int
	if json.Unmarshal(raw, &pp) == nil && len(pp) == 2 && len(pp[0]) == 2 && len(pp[1]) == 2 {
		return pp[0][0], pp[0][1], pp[1][0], pp[1][1], nil
	}
	c.fail("padding", "an integer, (rows, cols) or ((top, bottom), (left, right))", raw)
	return 0, 0, 0, 0, c.err
}
