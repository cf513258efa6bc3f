package onnx

import (
	"math"
	"slices"

	"github.com/convscope/convscope/nn"
)

// The operators of MobileNetV3 and EfficientNet as torch.onnx exports them
// (opset 13): Mul of two computed tensors (a squeeze-excitation gate, or
// x·Sigmoid(x) for SiLU and x·HardSigmoid(x) for HardSwish, which ONNX
// lacks before opsets 14 and 24), and ReduceMean over H and W (what Keras
// and TensorFlow exporters write for a global average pooling).

// planGates finds each Mul of a value x by Sigmoid(x) or by HardSigmoid(x)
// with PyTorch's alpha 1/6 and beta 1/2, where the Mul is the activation's
// only reader: with ImportOptions.FuseActivations the pair becomes one SiLU
// or HardSwish node (one pass over the map instead of two, no kept
// Sigmoid output).
func (im *importer) planGates(nodes []*Node) {
	im.gate, im.gated = map[*Node]string{}, map[*Node]bool{}
	producer := map[string]*Node{}
	for _, n := range nodes {
		if len(n.Outputs) > 0 {
			producer[n.Outputs[0]] = n
		}
	}
	std := func(n *Node) bool { return n.Domain == "" || n.Domain == "ai.onnx" }
	for _, m := range nodes {
		if m.OpType != "Mul" || !std(m) || len(m.Inputs) != 2 {
			continue
		}
		for i, in := range m.Inputs {
			s, x := producer[in], m.Inputs[1-i]
			if s == nil || !std(s) || len(s.Inputs) != 1 || s.Inputs[0] != x || in == x || im.uses[in] != 1 {
				continue
			}
			kind := ""
			switch s.OpType {
			case "Sigmoid":
				kind = "silu"
			case "HardSigmoid":
				if math.Abs(float64(attrFloat(s, "alpha", 0.2))-1.0/6) < 1e-6 && attrFloat(s, "beta", 0.5) == 0.5 {
					kind = "hardswish"
				}
			}
			if kind != "" {
				im.gate[m], im.gated[s] = kind, true
				break
			}
		}
	}
}

// gateOutput records the output of a Sigmoid or HardSigmoid that the Mul
// reading it computes (planGates): no engine node.
func (im *importer) gateOutput(n *Node, x *value) {
	v := like(x, x.node)
	v.gate = true
	im.vals[n.Outputs[0]] = v
}

// mul2 multiplies two computed tensors: of the same shape, or one holding
// one value per channel of the other, (1, C, 1, 1) against (1, C, H, W)
// (NCHW; (1, 1, 1, C) against (1, H, W, C) for NHWC values), the gate of a
// squeeze-excitation block. Other broadcasts are refused.
func (im *importer) mul2(n *Node, a, b *value) error {
	if kind := im.gate[n]; kind != "" {
		x := a
		if a.gate {
			x = b
		}
		var l nn.LayerBase = nn.NewSiLU()
		if kind == "hardswish" {
			l = nn.NewHardSwish()
		}
		name, err := im.add(n, l, x.node)
		if err == nil {
			im.vals[n.Outputs[0]] = like(x, name)
		}
		return err
	}
	same := slices.Equal(a.shape, b.shape) && a.lay == b.lay && slices.Equal(a.perm, b.perm)
	big := a
	if !same {
		if !perChannelOf(a, b) && !perChannelOf(b, a) {
			return im.errf(n, "expected inputs of the same shape, or one value per channel of the other ((1, C, 1, 1) by (1, C, H, W)), received %v and %v: other broadcasts are not supported", a.shape, b.shape)
		}
		if perChannelOf(a, b) {
			big = b
		}
	}
	name, err := im.addPair(n, nn.NewMultiply(), a, b, len(a.nnShape) != len(b.nnShape) || !same)
	if err != nil {
		return err
	}
	out := like(big, name)
	if len(a.nnShape) != len(b.nnShape) || !same {
		out.nnShape = big.nnShape
		if len(big.nnShape) != 3 { // (C,) of a pooled value: the product is (1, 1, C)
			out.nnShape = []int{1, 1, big.nnShape[0]}
		}
	}
	im.vals[n.Outputs[0]] = out
	return nil
}

// perChannelOf reports whether s is one value per channel of the image x
// (both NCHW or both NHWC): (1, C, 1, 1) for (1, C, H, W).
func perChannelOf(s, x *value) bool {
	if s.lay != x.lay || s.lay == flat || len(s.shape) != 4 || len(x.shape) != 4 {
		return false
	}
	sc, sh, sw := spatialDims(s)
	xc, _, _ := spatialDims(x)
	return sc == xc && sh == 1 && sw == 1 && s.shape[0] == x.shape[0]
}

// reduceMean converts a ReduceMean over the spatial axes of an image, (2,
// 3) of NCHW data or (1, 2) of NHWC data, to GlobalAveragePooling2D, with
// the result (1, C, 1, 1) (keepdims, the default) or (1, C).
func (im *importer) reduceMean(n *Node) error {
	x, err := im.act(n, 0)
	if err != nil {
		return err
	}
	axes, err := im.axes(n, 18)
	if err != nil {
		return err
	}
	keep := attrInt(n, "keepdims", 1) != 0
	r := int64(len(x.shape))
	norm := make([]int64, len(axes))
	for i, a := range axes {
		if a < 0 {
			a += r
		}
		norm[i] = a
	}
	slices.Sort(norm)
	want := []int64{2, 3}
	if x.lay == nhwc {
		want = []int64{1, 2}
	}
	if x.lay == flat || r != 4 || !slices.Equal(norm, want) {
		return im.errf(n, "mean over axes %v of shape %v: only the mean over the spatial axes (H, W) of an image is supported (a global average pooling)", axes, x.shape)
	}
	xn, err := im.spatial(n, x)
	if err != nil {
		return err
	}
	name, err := im.add(n, nn.NewGlobalAveragePooling2D(), xn)
	if err != nil {
		return err
	}
	c, _, _ := spatialDims(x)
	v := &value{node: name, lay: x.lay, shape: []int{1, c, 1, 1}, nnShape: []int{c}}
	switch {
	case !keep:
		v.lay, v.shape = flat, []int{1, c}
	case x.lay == nhwc:
		v.shape = []int{1, 1, 1, c}
	}
	im.vals[n.Outputs[0]] = v
	return nil
}
