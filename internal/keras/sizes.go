package keras

import (
	"fmt"
)

// maxActivations bounds the values one image's activations may need (1 GiB
// of float32): a config in a small file must not make the app allocate
// without limit at its first forward pass.
const maxActivations = 1 << 28

// sizeCheck infers every layer's output shape from the config alone, before
// nn allocates anything, and returns the number of weight values the model
// will hold. It refuses models whose activations exceed maxActivations.
// Shapes it cannot infer (invalid models) are left to nn's Build, which
// reports them.
//
// It also records each entry's input rank, for the axis checks.
func sizeCheck(km *kModel, entries []entry, input []int) (int64, error) {
	shapes := map[string][]int{}
	var params, acts int64
	prev := []int(input)
	for i := range entries {
		l := entries[i].k
		var ins [][]int
		if km.Functional {
			for _, n := range l.Inputs {
				s, ok := shapes[n]
				if !ok {
					return params, nil // unknown or later input: leave it to Build
				}
				ins = append(ins, s)
			}
		} else {
			ins = [][]int{prev}
		}
		var out []int
		var p int64
		switch {
		case l.Class == "InputLayer":
			out = input
		case len(l.Class) > 7 && l.Class[:7] == "folded:":
			out = input
		case len(ins) == 0:
			return params, nil
		default:
			entries[i].k.InRank = len(ins[0])
			var ok bool
			out, p, ok = layerSize(l, ins)
			if !ok {
				return params, nil
			}
		}
		n := int64(1)
		for _, d := range out {
			if d <= 0 {
				return params, nil
			}
			n *= int64(d)
			if n > maxActivations {
				break
			}
		}
		acts += n
		params += p
		if acts > maxActivations {
			return 0, fmt.Errorf("keras: layer %q (%s) brings the activations of one image past %d values (1 GiB); the model is too large to display", l.Name, l.Class, maxActivations)
		}
		if params > 1<<40 {
			params = 1 << 40
		}
		shapes[l.Name] = out
		prev = out
	}
	return params, nil
}

// layerSize returns a layer's output shape and weight count; ok is false
// when the config or the shapes do not allow an inference.
func layerSize(l kLayer, ins [][]int) (out []int, params int64, ok bool) {
	c := &cfg{l: l}
	in := ins[0]
	img := len(in) == 3
	conv := func(k, s, d [2]int, pad string, filters int) []int {
		o := make([]int, 3)
		for i := 0; i < 2; i++ {
			if s[i] <= 0 || d[i] <= 0 {
				return nil
			}
			if pad == "same" {
				o[i] = (in[i] + s[i] - 1) / s[i]
			} else {
				o[i] = (in[i]-(k[i]-1)*d[i]-1)/s[i] + 1
			}
		}
		o[2] = filters
		return o
	}
	bias := func(n int) int64 {
		if c.bool("use_bias", true) {
			return int64(n)
		}
		return 0
	}
	switch l.Class {
	case "Conv2D", "DepthwiseConv2D":
		if !img {
			return nil, 0, false
		}
		k := c.pair("kernel_size", [2]int{0, 0})
		filters, cin := c.int("filters", 0), in[2]/max(1, c.int("groups", 1))
		if l.Class == "DepthwiseConv2D" {
			filters, cin = in[2]*c.int("depth_multiplier", 1), 1
		}
		out = conv(k, c.pair("strides", [2]int{1, 1}), c.pair("dilation_rate", [2]int{1, 1}), c.str("padding", "valid"), filters)
		params = mul(k[0], k[1], cin, filters) + bias(filters)
	case "SeparableConv2D":
		if !img {
			return nil, 0, false
		}
		k := c.pair("kernel_size", [2]int{0, 0})
		mid, filters := mul(in[2], c.int("depth_multiplier", 1)), c.int("filters", 0)
		out = conv(k, c.pair("strides", [2]int{1, 1}), c.pair("dilation_rate", [2]int{1, 1}), c.str("padding", "valid"), filters)
		params = mul(k[0], k[1], int(mid)) + mul(int(mid), filters) + bias(filters)
	case "MaxPooling2D", "AveragePooling2D":
		if !img {
			return nil, 0, false
		}
		p := c.pair("pool_size", [2]int{2, 2})
		out = conv(p, c.pair("strides", p), [2]int{1, 1}, c.str("padding", "valid"), in[2])
	case "GlobalAveragePooling2D":
		out = in[len(in)-1:]
	case "Flatten":
		n := 1
		for _, d := range in {
			n *= d
		}
		out = []int{n}
	case "Dense":
		u := c.int("units", 0)
		out = append(append([]int(nil), in[:len(in)-1]...), u)
		params = mul(in[len(in)-1], u) + bias(u)
	case "BatchNormalization":
		out, params = in, 4*int64(in[len(in)-1])
	case "Multiply": // the largest input: a (1, 1, C) gate broadcasts
		out = in
		for _, s := range ins[1:] {
			if mul(s...) > mul(out...) {
				out = s
			}
		}
	case "Concatenate":
		out = append([]int(nil), in...)
		for _, s := range ins[1:] {
			if len(s) != len(in) {
				return nil, 0, false
			}
			out[len(out)-1] += s[len(s)-1]
		}
	case "ZeroPadding2D":
		t, b, le, r, err := zeroPadding(c)
		if err != nil || !img {
			return nil, 0, false
		}
		out = []int{in[0] + t + b, in[1] + le + r, in[2]}
	case "Reshape":
		t := c.ints("target_shape")
		var err error
		if out, err = resolveShape(t, in); err != nil {
			return nil, 0, false
		}
	default: // element-wise layers and Add keep the shape
		out = in
	}
	if c.err != nil || out == nil {
		return nil, 0, false
	}
	return out, params, true
}

// mul multiplies sizes, saturating at 2^50 (far above any limit checked) so
// that hostile configs cannot overflow; a negative factor gives 0.
func mul(xs ...int) int64 {
	const limit = 1 << 50
	p := int64(1)
	for _, x := range xs {
		if x <= 0 {
			return 0
		}
		if p > limit/int64(x) {
			return limit
		}
		p *= int64(x)
	}
	return p
}
