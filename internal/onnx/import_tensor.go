package onnx

import (
	"slices"
	"strconv"

	"github.com/convscope/convscope/nn"
)

// channels returns the number of values along x's channel axis (the
// engine's last axis) and, for flat values, the engine index of each ONNX
// channel.
func channels(x *value) (int, []int) {
	switch x.lay {
	case flat:
		return x.shape[1], x.perm
	case nhwc:
		return x.shape[3], nil
	}
	return x.shape[1], nil
}

// perChannel maps per-channel values in ONNX order to engine order.
func perChannel(x *value, v []float32) []float32 {
	_, perm := channels(x)
	if perm == nil {
		return v
	}
	out := make([]float32, len(v))
	for i, p := range perm {
		out[p] = v[i]
	}
	return out
}

// broadcast classifies a constant operand of an elementwise op on x: a
// scalar (one value), per-channel values (varying along x's channel axis
// only, returned in ONNX channel order), or neither (ok false).
func broadcast(x *value, k *Tensor) (vals []float32, scalar, ok bool) {
	f := floats(k)
	if len(f) == 1 {
		return f, true, true
	}
	r := len(x.shape)
	if len(k.Dims) > r {
		return nil, false, false
	}
	c, _ := channels(x)
	chAxis := 1
	if x.lay == nhwc {
		chAxis = 3
	}
	for i, d := range k.Dims {
		ax := r - len(k.Dims) + i
		if d != 1 && (ax != chAxis || int(d) != c) {
			return nil, false, false
		}
	}
	return f, false, len(f) == c
}

// affine inserts y = x·scale + shift per channel (a BatchNormalization with
// unit variance, zero mean and an epsilon too small to change 1/sqrt(1+ε)).
func (im *importer) affine(n *Node, x *value, scale, shift []float32) error {
	l := nn.NewBatchNormalization(nn.WithEpsilon(1e-30))
	name, err := im.add(n, l, x.node)
	if err != nil {
		return err
	}
	scale, shift = perChannel(x, scale), perChannel(x, shift)
	im.fixups = append(im.fixups, func() error {
		ps := l.Params()
		if len(ps[0].Value) != len(scale) {
			return im.errf(n, "expected %d channels, received %d", len(ps[0].Value), len(scale))
		}
		copy(ps[0].Value, scale)
		copy(ps[1].Value, shift)
		return nil
	})
	im.vals[n.Outputs[0]] = like(x, name)
	return nil
}

// bnEpsilon is a BatchNormalization's epsilon. The attribute is a float32;
// the decimal it prints as is what the writer meant (PyTorch's 1e-5, Keras'
// 1e-3, both float64 there).
func bnEpsilon(n *Node) (float64, error) {
	return strconv.ParseFloat(strconv.FormatFloat(float64(attrFloat(n, "epsilon", 1e-5)), 'g', -1, 32), 64)
}

func (im *importer) batchNorm(n *Node) error {
	x, err := im.act(n, 0)
	if err != nil {
		return err
	}
	if c := im.foldedBN[n]; c != nil { // computed by the Conv2D (planFusion)
		v := like(x, x.node)
		v.activated = im.fuse[c] != ""
		im.vals[n.Outputs[0]] = v
		return nil
	}
	if x.lay == nhwc {
		return im.errf(n, "expected an NCHW or (N, C) tensor, received an NHWC tensor %v", x.shape)
	}
	if attrInt(n, "training_mode", 0) != 0 {
		return im.errf(n, "training_mode 1 (batch statistics) is not supported: export the model in eval mode")
	}
	if im.opset < 9 && attrInt(n, "spatial", 1) == 0 {
		return im.errf(n, "spatial 0 (per-pixel statistics) is not supported")
	}
	c, _ := channels(x)
	var ws [4][]float32
	for i := range ws {
		t, err := im.konst(n, i+1, false)
		if err != nil {
			return err
		}
		if t.Len() != c {
			return im.errf(n, "input %d: expected %d values (one per channel), received %d", i+2, c, t.Len())
		}
		ws[i] = perChannel(x, floats(t))
	}
	eps, _ := bnEpsilon(n)
	l := nn.NewBatchNormalization(nn.WithEpsilon(eps))
	name, err := im.add(n, l, x.node)
	if err != nil {
		return err
	}
	im.fixups = append(im.fixups, func() error {
		ps := append(l.Params(), l.State()...)
		for i, p := range ps {
			copy(p.Value, ws[i])
		}
		return nil
	})
	im.vals[n.Outputs[0]] = like(x, name)
	return nil
}

// arith converts Add, Sub, Mul and Div: of two computed tensors (Add
// only), or of a computed tensor and a scalar or per-channel constant.
func (im *importer) arith(n *Node) error {
	a, err := im.in(n, 0)
	if err != nil {
		return err
	}
	b, err := im.in(n, 1)
	if err != nil {
		return err
	}
	if a.k != nil && b.k != nil {
		return im.arithConsts(n, a.k, b.k)
	}
	if a.k == nil && b.k == nil {
		switch n.OpType {
		case "Add":
			return im.add2(n, a, b)
		case "Mul":
			return im.mul2(n, a, b)
		}
		return im.errf(n, "%s of two computed tensors is not supported (only Add and Mul are)", n.OpType)
	}
	x, k, constFirst := a, b.k, false
	if a.k != nil {
		x, k, constFirst = b, a.k, true
	}
	if constFirst && (n.OpType == "Sub" || n.OpType == "Div") {
		return im.errf(n, "constant %s tensor is not supported: expected the constant second", n.OpType)
	}
	vals, scalar, ok := broadcast(x, k)
	if !ok {
		return im.errf(n, "constant of shape %v: expected a scalar or one value per channel of %v", k.Dims, x.shape)
	}
	vals = slices.Clone(vals)
	mul := n.OpType == "Mul" || n.OpType == "Div"
	for i, v := range vals {
		switch n.OpType {
		case "Sub":
			vals[i] = -v
		case "Div":
			vals[i] = 1 / v
		}
	}
	// A bias added to a MatMul's result goes into its Dense layer.
	if !mul && x.dense != nil && x.lay == flat && im.readers(x) == 1 {
		for i := range x.dense.bias {
			if scalar {
				x.dense.bias[i] += vals[0]
			} else {
				x.dense.bias[i] += vals[i]
			}
		}
		x.folded = true
		im.vals[n.Outputs[0]] = like(x, x.node)
		return nil
	}
	if scalar {
		scale, shift := 1.0, float64(vals[0])
		if mul {
			scale, shift = float64(vals[0]), 0
		}
		name, err := im.add(n, nn.NewRescaling(scale, shift), x.node)
		if err != nil {
			return err
		}
		im.vals[n.Outputs[0]] = like(x, name)
		return nil
	}
	ones, zeros := make([]float32, len(vals)), make([]float32, len(vals))
	for i := range ones {
		ones[i] = 1
	}
	if mul {
		return im.affine(n, x, vals, zeros)
	}
	return im.affine(n, x, ones, vals)
}

// readers counts the ONNX node inputs reading the values computed by x's
// engine node (Identity and Dropout alias them).
func (im *importer) readers(x *value) int {
	r := 0
	for name, v := range im.vals {
		if v.k == nil && v.node == x.node {
			r += im.uses[name]
		}
	}
	return r
}

// add2 adds two computed tensors of the same shape.
func (im *importer) add2(n *Node, a, b *value) error {
	if !slices.Equal(a.shape, b.shape) || a.lay != b.lay || !slices.Equal(a.perm, b.perm) {
		return im.errf(n, "expected inputs of the same shape, received %v and %v (broadcasting is not supported)", a.shape, b.shape)
	}
	name, err := im.addPair(n, nn.NewAdd(), a, b, len(a.nnShape) != len(b.nnShape))
	if err != nil {
		return err
	}
	out := like(a, name)
	if len(a.nnShape) != len(b.nnShape) {
		out.nnShape = a.nnShape
	}
	im.vals[n.Outputs[0]] = out
	return nil
}

func (im *importer) concat(n *Node) error {
	a := n.Attr("axis")
	if a == nil {
		return im.errf(n, "the axis attribute is missing")
	}
	if allConst := len(n.Inputs) > 0 && !slices.ContainsFunc(n.Inputs, func(in string) bool { v := im.vals[in]; return v == nil || v.k == nil }); allConst {
		return im.concatConsts(n)
	}
	var xs []*value
	for i := range n.Inputs {
		x, err := im.act(n, i)
		if err != nil {
			return err
		}
		if !channelAxis(x, a.I) {
			return im.errf(n, "axis %d of %v: only concatenation along channels is supported", a.I, x.shape)
		}
		if len(xs) > 0 && x.lay != xs[0].lay {
			return im.errf(n, "inputs in different layouts (NCHW and NHWC)")
		}
		if x.perm != nil && !identity(x.perm) {
			return im.errf(n, "concatenating features flattened from NCHW is not supported")
		}
		xs = append(xs, x)
	}
	if len(xs) < 2 {
		id := &value{}
		*id = *xs[0]
		im.vals[n.Outputs[0]] = id
		return nil
	}
	names := make([]string, len(xs))
	total := 0
	for i, x := range xs {
		c, _ := channels(x)
		total += c
		names[i] = x.node
		if x.lay != flat {
			var err error
			if names[i], err = im.spatial(n, x); err != nil {
				return err
			}
		}
	}
	name, err := im.add(n, nn.NewConcatenate(), names...)
	if err != nil {
		return err
	}
	x := xs[0]
	switch x.lay {
	case flat:
		im.vals[n.Outputs[0]] = &value{node: name, lay: flat, shape: []int{1, total}, nnShape: []int{total}}
	default:
		_, h, w := spatialDims(x)
		im.vals[n.Outputs[0]] = imageValue(name, x.lay, total, h, w)
	}
	return nil
}
