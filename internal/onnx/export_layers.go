package onnx

import (
	"fmt"
	"math"
	"slices"

	"github.com/convscope/convscope/nn"
)

// stateful is BatchNormalization's moving statistics.
type stateful interface{ State() []*nn.Param }

// node exports one engine node.
func (e *exporter) node(n xnode) error {
	c := n.layer.Config()
	var xs []xvalue
	for _, in := range n.inputs {
		v, ok := e.vals[in]
		if !ok {
			return fmt.Errorf("input %q not exported", in)
		}
		xs = append(xs, v)
	}
	x := xs[0]
	image := len(x.shape) == 3
	out := xvalue{shape: n.shape}
	var err error
	switch c.ClassName {
	case "Conv2D":
		out.name, err = e.conv(n, c, x)
	case "MaxPooling2D", "AveragePooling2D":
		out.name, err = e.pool(n, c, x)
	case "GlobalAveragePooling2D":
		out.name = e.emit("GlobalAveragePool", n.name, []string{x.name})
		out.name = e.emit("Flatten", n.name+"/flatten", []string{out.name}, intAttr("axis", 1))
	case "Flatten":
		out.name = e.emit("Flatten", n.name, []string{x.name}, intAttr("axis", 1))
		if image && x.shape[0]*x.shape[1] > 1 {
			out.perm = chwToHWC(x.shape[2], x.shape[0], x.shape[1])
		}
	case "Reshape":
		switch {
		case len(x.shape) == 1 && len(n.shape) == 3 && n.shape[0] == 1 && n.shape[1] == 1:
			out.name = e.emit("Reshape", n.name, []string{x.name, e.initInts(n.name+"/shape", 0, int64(n.shape[2]), 1, 1)})
		case image && len(n.shape) == 1:
			out.name = e.emit("Flatten", n.name, []string{x.name}, intAttr("axis", 1))
			if x.shape[0]*x.shape[1] > 1 {
				out.perm = chwToHWC(x.shape[2], x.shape[0], x.shape[1])
			}
		default:
			return fmt.Errorf("a reshape from %v to %v has no NCHW equivalent", x.shape, n.shape)
		}
	case "Dense":
		out.name, err = e.dense(n, c, x)
	case "Dropout", "Identity":
		out.name = e.emit("Identity", n.name, []string{x.name})
		out.perm = x.perm
	case "Activation":
		out.name, err = e.activation(c.Activation, n.name, x.name)
		if out.name == x.name { // linear
			out.name = e.emit("Identity", n.name, []string{x.name})
		} else {
			e.rename(out.name, n.name)
			out.name = n.name
		}
		out.perm = x.perm // elementwise, or a softmax over all features
	case "Softmax": // over channels: axis 1 in NCHW and in (N, F)
		out.name = e.emit("Softmax", n.name, []string{x.name}, intAttr("axis", 1))
		out.perm = x.perm
	case "ReLU", "LeakyReLU", "Clip", "HardSigmoid", "HardSwish", "Rescaling":
		out.name, err = e.pointwise(n, c, x)
		out.perm = x.perm
	case "BatchNormalization":
		out.name, err = e.batchNorm(n, c, x)
		out.perm = x.perm
	case "Add":
		names := make([]string, len(xs))
		for i, v := range xs {
			names[i] = v.name
		}
		out.name = names[0]
		for i := 1; i < len(names); i++ {
			nm := n.name
			if i < len(names)-1 {
				nm = fmt.Sprintf("%s/partial_%d", n.name, i)
			}
			out.name = e.emit("Add", nm, []string{out.name, names[i]})
		}
		out.perm = x.perm
	case "Multiply": // ONNX's broadcasting covers the (1, C, 1, 1) gate
		out.name, err = e.multiply(n, xs)
		out.perm = x.perm
	case "SiLU": // x·Sigmoid(x): ONNX has no SiLU before opset 24
		sig := e.emit("Sigmoid", n.name+"/sigmoid", []string{x.name})
		out.name = e.emit("Mul", n.name, []string{x.name, sig})
		out.perm = x.perm
	case "Concatenate":
		names := make([]string, len(xs))
		for i, v := range xs {
			if v.perm != nil {
				return fmt.Errorf("concatenating flattened images has no NCHW equivalent")
			}
			names[i] = v.name
		}
		out.name = e.emit("Concat", n.name, names, intAttr("axis", 1))
	case "ZeroPadding2D":
		p := c.Pads // top, left, bottom, right
		pads := e.initInts(n.name+"/pads", 0, 0, int64(p[0]), int64(p[1]), 0, 0, int64(p[2]), int64(p[3]))
		out.name = e.emit("Pad", n.name, []string{x.name, pads}, &Attribute{Name: "mode", Type: AttrString, S: []byte("constant")})
	default:
		return fmt.Errorf("no ONNX export for this layer")
	}
	if err != nil {
		return err
	}
	e.vals[n.name] = out
	return nil
}

// rename gives the last emitted node's output the engine node's name, so
// that a fused activation's result carries the layer's name.
func (e *exporter) rename(old, name string) {
	last := e.g.Nodes[len(e.g.Nodes)-1]
	if last.Outputs[0] == old && !e.names[name] {
		delete(e.names, old)
		e.names[name] = true
		last.Name, last.Outputs[0] = name, name
	}
}

func (e *exporter) conv(n xnode, c nn.LayerConfig, x xvalue) (string, error) {
	ps := n.layer.Params()
	kh, kw := c.KernelSize[0], c.KernelSize[1]
	groups := max(c.Groups, 1)
	dil := c.DilationRate
	if dil == [2]int{} {
		dil = [2]int{1, 1}
	}
	s := c.Strides
	if s == [2]int{} {
		s = [2]int{1, 1}
	}
	pads := c.Pads
	if c.Padding == "same" {
		pads = samePads(x.shape, c.KernelSize, s, dil)
	}
	cg := x.shape[2] / groups
	m := c.Filters
	// Keras kernel (kh, kw, C/g, M) → ONNX weight (M, C/g, kh, kw).
	k := ps[0].Value
	w := make([]float32, len(k))
	for o := range m {
		for ci := range cg {
			for i := range kh {
				for j := range kw {
					w[((o*cg+ci)*kh+i)*kw+j] = k[((i*kw+j)*cg+ci)*m+o]
				}
			}
		}
	}
	ins := []string{x.name, e.init(n.name+"/kernel", []int{m, cg, kh, kw}, w)}
	if !c.NoBias {
		ins = append(ins, e.init(n.name+"/bias", []int{m}, ps[1].Value))
	}
	return e.emitActivated("Conv", "conv", n.name, c.Activation, ins, intsAttr("kernel_shape", kh, kw), intsAttr("strides", s[0], s[1]),
		intsAttr("pads", pads[0], pads[1], pads[2], pads[3]), intsAttr("dilations", dil[0], dil[1]), intAttr("group", groups))
}

// emitActivated emits op over ins followed by the layer's activation; the
// last node is called name (op's node is name/suffix when an activation
// follows it).
func (e *exporter) emitActivated(op, suffix, name, activation string, ins []string, attrs ...*Attribute) (string, error) {
	opName := name
	if activation != "" && activation != "linear" {
		opName = name + "/" + suffix
	}
	y := e.emit(op, opName, ins, attrs...)
	a, err := e.activation(activation, name, y)
	if err == nil && a != y {
		e.rename(a, name)
		a = name
	}
	return a, err
}

func (e *exporter) pool(n xnode, c nn.LayerConfig, x xvalue) (string, error) {
	k := c.PoolSize
	s := c.Strides
	if s == [2]int{} {
		s = k
	}
	pads := c.Pads
	if c.Padding == "same" {
		pads = samePads(x.shape, k, s, [2]int{1, 1})
	}
	attrs := []*Attribute{intsAttr("kernel_shape", k[0], k[1]), intsAttr("strides", s[0], s[1]), intsAttr("pads", pads[0], pads[1], pads[2], pads[3])}
	if c.CeilMode {
		attrs = append(attrs, intAttr("ceil_mode", 1))
	}
	op := "MaxPool"
	if c.ClassName == "AveragePooling2D" {
		op = "AveragePool"
		if c.CountIncludePad {
			attrs = append(attrs, intAttr("count_include_pad", 1))
		}
	}
	return e.emit(op, n.name, []string{x.name}, attrs...), nil
}

func (e *exporter) dense(n xnode, c nn.LayerConfig, x xvalue) (string, error) {
	if len(x.shape) != 1 {
		return "", fmt.Errorf("expected a flat input, received %v", x.shape)
	}
	ps := n.layer.Params()
	in, units := x.shape[0], c.Units
	// Keras kernel (in, units) → Gemm B (units, in) with transB = 1; rows of
	// a flattened image follow ONNX's (c, h, w) order.
	k := ps[0].Value
	b := make([]float32, len(k))
	for i := range in {
		row := i
		if x.perm != nil {
			row = x.perm[i]
		}
		for o := range units {
			b[o*in+i] = k[row*units+o]
		}
	}
	ins := []string{x.name, e.init(n.name+"/kernel", []int{units, in}, b)}
	if !c.NoBias {
		ins = append(ins, e.init(n.name+"/bias", []int{units}, ps[1].Value))
	}
	return e.emitActivated("Gemm", "gemm", n.name, c.Activation, ins, intAttr("transB", 1))
}

func (e *exporter) pointwise(n xnode, c nn.LayerConfig, x xvalue) (string, error) {
	in := []string{x.name}
	scalar := func(name string, v float64) string { return e.init(n.name+"/"+name, nil, []float32{float32(v)}) }
	switch c.ClassName {
	case "ReLU":
		switch {
		case c.Threshold != 0 || (c.NegativeSlope != 0 && c.MaxValue != 0):
			return "", fmt.Errorf("a ReLU with threshold %g, slope %g and max %g has no single ONNX operator", c.Threshold, c.NegativeSlope, c.MaxValue)
		case c.NegativeSlope != 0:
			return e.emit("LeakyRelu", n.name, in, floatAttr("alpha", c.NegativeSlope)), nil
		case c.MaxValue != 0:
			return e.emit("Clip", n.name, append(in, scalar("min", 0), scalar("max", c.MaxValue))), nil
		}
		return e.emit("Relu", n.name, in), nil
	case "LeakyReLU":
		return e.emit("LeakyRelu", n.name, in, floatAttr("alpha", c.Alpha)), nil
	case "Clip":
		lo, hi := "", ""
		if !math.IsInf(c.Min, -1) {
			lo = scalar("min", c.Min)
		}
		if !math.IsInf(c.Max, 1) {
			hi = scalar("max", c.Max)
		}
		return e.emit("Clip", n.name, append(in, lo, hi)), nil
	case "HardSigmoid":
		return e.emit("HardSigmoid", n.name, in, floatAttr("alpha", c.Alpha), floatAttr("beta", c.Beta)), nil
	case "HardSwish":
		e.opset = max(e.opset, 14)
		return e.emit("HardSwish", n.name, in), nil
	}
	// Rescaling: y = x·scale + offset.
	y := x.name
	if c.Scale != 1 || c.Offset == 0 {
		nm := n.name
		if c.Offset != 0 {
			nm = n.name + "/scale"
		}
		y = e.emit("Mul", nm, []string{y, scalar("scale", c.Scale)})
	}
	if c.Offset != 0 {
		y = e.emit("Add", n.name, []string{y, scalar("offset", c.Offset)})
	}
	return y, nil
}

func (e *exporter) batchNorm(n xnode, c nn.LayerConfig, x xvalue) (string, error) {
	st, ok := n.layer.(stateful)
	if !ok {
		return "", fmt.Errorf("no moving statistics")
	}
	ps := append(n.layer.Params(), st.State()...)
	ins := []string{x.name}
	ch := x.shape[len(x.shape)-1]
	for i, w := range []string{"gamma", "beta", "moving_mean", "moving_variance"} {
		v := ps[i].Value
		if x.perm != nil { // engine channel order → ONNX feature order
			o := make([]float32, len(v))
			for j, p := range x.perm {
				o[j] = v[p]
			}
			v = o
		}
		ins = append(ins, e.init(n.name+"/"+w, []int{ch}, v))
	}
	eps := c.Epsilon
	if eps == 0 {
		eps = 1e-3
	}
	return e.emit("BatchNormalization", n.name, ins, floatAttr("epsilon", eps)), nil
}

// multiply exports a Multiply as a chain of Mul nodes; a broadcast input,
// (1, 1, C) in the engine, is (1, C, 1, 1) in NCHW, which Mul broadcasts.
func (e *exporter) multiply(n xnode, xs []xvalue) (string, error) {
	name := xs[0].name
	for i := 1; i < len(xs); i++ {
		if xs[i].perm != nil || xs[0].perm != nil {
			if xs[i].perm == nil || xs[0].perm == nil || !slices.Equal(xs[i].perm, xs[0].perm) {
				return "", fmt.Errorf("multiplying flattened images in different orders has no NCHW equivalent")
			}
		}
		nm := n.name
		if i < len(xs)-1 {
			nm = fmt.Sprintf("%s/partial_%d", n.name, i)
		}
		name = e.emit("Mul", nm, []string{name, xs[i].name})
	}
	return name, nil
}
