package onnx

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/convscope/convscope/nn"
)

// SupportedOps lists the operators the importer converts.
var SupportedOps = []string{
	"Add", "AveragePool", "BatchNormalization", "Clip", "Concat", "Constant", "Conv", "Div", "Dropout",
	"Flatten", "Gemm", "GlobalAveragePool", "HardSigmoid", "HardSwish", "Identity", "LeakyRelu", "MatMul",
	"MaxPool", "Mul", "Pad", "ReduceMean", "Relu", "Reshape", "Sigmoid", "Softmax", "Sub", "Tanh", "Transpose",
	// Shape arithmetic on constants only (fold.go).
	"Gather", "Shape", "Unsqueeze",
}

// node converts one ONNX node.
func (im *importer) node(n *Node) error {
	if (n.Domain != "" && n.Domain != "ai.onnx") || !slices.Contains(SupportedOps, n.OpType) {
		op := n.OpType
		if n.Domain != "" && n.Domain != "ai.onnx" {
			op = n.Domain + "." + op
		}
		return fmt.Errorf("onnx: unsupported operator %s (node %q); supported: %s", op, n.Name, strings.Join(SupportedOps, ", "))
	}
	if len(n.Outputs) == 0 || n.Outputs[0] == "" {
		return im.errf(n, "expected an output, received none")
	}
	for _, o := range n.Outputs[1:] {
		if o != "" && im.uses[o] > 0 {
			return im.errf(n, "output %q (training or index output) is used: only the first output is supported", o)
		}
	}
	switch n.OpType {
	case "Constant":
		return im.constant(n)
	case "Identity", "Dropout":
		v, err := im.in(n, 0)
		if err != nil {
			return err
		}
		if n.OpType == "Dropout" {
			if t, err := im.konst(n, 2, true); err != nil || (t != nil && len(ints(t)) > 0 && ints(t)[0] != 0) {
				return im.errf(n, "training_mode must be a constant false: expected inference, received a training dropout")
			}
		}
		if v.node != nn.GraphInput {
			im.vals[n.Outputs[0]] = v // no engine node: an alias
			return nil
		}
		name, err := im.add(n, nn.NewIdentity(), v.node)
		if err == nil {
			im.vals[n.Outputs[0]] = like(v, name)
		}
		return err
	case "Conv":
		return im.conv(n)
	case "BatchNormalization":
		return im.batchNorm(n)
	case "Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Clip":
		return im.activation(n)
	case "Add", "Sub", "Mul", "Div":
		return im.arith(n)
	case "Concat":
		return im.concat(n)
	case "MaxPool", "AveragePool":
		return im.pool(n)
	case "GlobalAveragePool":
		return im.globalPool(n)
	case "ReduceMean":
		return im.reduceMean(n)
	case "Flatten", "Reshape":
		return im.reshape(n)
	case "Transpose":
		return im.transpose(n)
	case "Gemm", "MatMul":
		return im.dense(n)
	case "Softmax":
		return im.softmax(n)
	case "Pad":
		return im.pad(n)
	case "Shape", "Gather", "Unsqueeze":
		return im.fold(n)
	}
	return nil
}

func (im *importer) constant(n *Node) error {
	var t *Tensor
	switch a := n.Attrs; {
	case len(a) != 1:
		return im.errf(n, "expected one value attribute, received %d attributes", len(a))
	case a[0].Name == "value" && a[0].T != nil:
		t = a[0].T
	case a[0].Name == "value_float":
		t = &Tensor{DataType: TypeFloat, Float: []float32{a[0].F}}
	case a[0].Name == "value_floats":
		t = &Tensor{DataType: TypeFloat, Dims: []int64{int64(len(a[0].Floats))}, Float: a[0].Floats}
	case a[0].Name == "value_int":
		t = &Tensor{DataType: TypeInt64, Int64: []int64{a[0].I}}
	case a[0].Name == "value_ints":
		t = &Tensor{DataType: TypeInt64, Dims: []int64{int64(len(a[0].Ints))}, Int64: a[0].Ints}
	default:
		return im.errf(n, "attribute %q is not supported: expected value, value_float(s) or value_int(s)", a[0].Name)
	}
	if t.External {
		return im.errf(n, "the constant is stored in an external data file")
	}
	if t.Float == nil && t.Int64 == nil && t.Len() > 0 {
		return im.errf(n, "constant of type %s is not supported: expected float or integer data", typeName(t.DataType))
	}
	im.vals[n.Outputs[0]] = &value{k: t}
	return nil
}

// spatial returns the engine node of v as an (H, W, C) tensor, reshaping
// the (C,) output of a GlobalAveragePool back to (1, 1, C).
func (im *importer) spatial(n *Node, v *value) (string, error) {
	if v.lay == flat || len(v.shape) != 4 {
		return "", im.errf(n, "expected an image tensor (N, C, H, W), received shape %v", v.shape)
	}
	if len(v.nnShape) == 3 {
		return v.node, nil
	}
	c := v.nnShape[0]
	r := &Node{Name: v.node + "_reshape", OpType: "Reshape", Outputs: []string{v.node + "_reshape"}}
	name, err := im.add(r, nn.NewReshape([]int{1, 1, c}), v.node)
	if err != nil {
		return "", err
	}
	v.node, v.nnShape = name, []int{1, 1, c}
	return name, nil
}

// addPair adds the two-input layer l over a and b; with spatial set, both
// are first made (H, W, C) tensors (see spatial), as when one of them is
// the (C,) output of a GlobalAveragePool.
func (im *importer) addPair(n *Node, l nn.LayerBase, a, b *value, spatial bool) (string, error) {
	an, bn := a.node, b.node
	if spatial {
		var err error
		if an, err = im.spatial(n, a); err != nil {
			return "", err
		}
		if bn, err = im.spatial(n, b); err != nil {
			return "", err
		}
	}
	return im.add(n, l, an, bn)
}

// spatialValue returns the (N, C, H, W) dimensions of an image value in
// ONNX's NCHW order, whatever its layout.
func spatialDims(v *value) (c, h, w int) {
	if v.lay == nhwc {
		return v.shape[3], v.shape[1], v.shape[2]
	}
	return v.shape[1], v.shape[2], v.shape[3]
}

// imageValue makes the value of an engine node whose output is (h, w, c).
func imageValue(node string, lay layout, c, h, w int) *value {
	v := &value{node: node, lay: lay, nnShape: []int{h, w, c}}
	if lay == nhwc {
		v.shape = []int{1, h, w, c}
	} else {
		v.shape = []int{1, c, h, w}
	}
	return v
}

// like returns a value of the same shape and layout as v, computed by node.
func like(v *value, node string) *value {
	return &value{node: node, shape: v.shape, lay: v.lay, perm: v.perm, nnShape: v.nnShape}
}

// channelAxis reports whether ONNX axis ax of v is its channel (the
// engine's last) axis.
func channelAxis(v *value, ax int64) bool {
	r := int64(len(v.shape))
	if ax < 0 {
		ax += r
	}
	switch v.lay {
	case nchw:
		return ax == 1 && r == 4
	case nhwc:
		return ax == 3
	}
	return ax == 1
}

func (im *importer) activation(n *Node) error {
	x, err := im.act(n, 0)
	if err != nil {
		return err
	}
	if im.fused[n] { // computed by the Conv2D (planFusion)
		im.vals[n.Outputs[0]] = like(x, x.node)
		return nil
	}
	if im.gated[n] { // computed by the Mul that reads it (planGates)
		im.gateOutput(n, x)
		return nil
	}
	var l nn.LayerBase
	switch n.OpType {
	case "Relu":
		l = nn.NewReLU(0, 0, 0)
	case "LeakyRelu":
		l = nn.NewLeakyReLU(float64(attrFloat(n, "alpha", 0.01)))
	case "Sigmoid":
		l = nn.NewActivation("sigmoid")
	case "Tanh":
		l = nn.NewActivation("tanh")
	case "HardSigmoid":
		l = nn.NewHardSigmoid(float64(attrFloat(n, "alpha", 0.2)), float64(attrFloat(n, "beta", 0.5)))
	case "HardSwish":
		l = nn.NewHardSwish()
	case "Clip":
		lo, hi := math.Inf(-1), math.Inf(1)
		if im.opset < 11 {
			lo = float64(attrFloat(n, "min", float32(lo)))
			hi = float64(attrFloat(n, "max", float32(hi)))
		} else {
			for i, p := range []*float64{&lo, &hi} {
				t, err := im.konst(n, i+1, true)
				if err != nil {
					return err
				}
				if t != nil {
					f := floats(t)
					if len(f) != 1 {
						return im.errf(n, "expected a scalar min/max, received %d values", len(f))
					}
					*p = float64(f[0])
				}
			}
		}
		switch {
		case lo == 0 && hi == 6:
			l = nn.NewReLU(6, 0, 0)
		case lo == 0 && math.IsInf(hi, 1):
			l = nn.NewReLU(0, 0, 0)
		default:
			l = nn.NewClip(lo, hi)
		}
	}
	name, err := im.add(n, l, x.node)
	if err != nil {
		return err
	}
	im.vals[n.Outputs[0]] = like(x, name)
	return nil
}
