package onnx

import (
	"slices"

	"github.com/convscope/convscope/nn"
)

// reshape converts Flatten and Reshape: an image flattened to (N,
// features), a (N, C) vector reshaped to (N, C, 1, 1), a shape-preserving
// reshape, or a reshape of a constant.
func (im *importer) reshape(n *Node) error {
	x, err := im.in(n, 0)
	if err != nil {
		return err
	}
	var target []int
	if n.OpType == "Flatten" {
		shape := x.shape
		if x.k != nil {
			shape = dimsInt(x.k.Dims)
		}
		axis := int(attrInt(n, "axis", 1))
		if axis < 0 {
			axis += len(shape)
		}
		if axis < 0 || axis > len(shape) {
			return im.errf(n, "axis %d: expected -%d to %d", axis, len(shape), len(shape))
		}
		if axis == 0 && x.k == nil {
			return im.errf(n, "axis 0 merges the batch dimension: expected axis 1")
		}
		target = []int{prod(shape[:axis]), prod(shape[axis:])}
	} else {
		t, err := im.konst(n, 1, false)
		if err != nil {
			return err
		}
		shape := x.shape
		if x.k != nil {
			shape = dimsInt(x.k.Dims)
		}
		if target, err = reshapeTarget(shape, ints(t), attrInt(n, "allowzero", 0) != 0); err != nil {
			return im.errf(n, "%v", err)
		}
	}
	if x.k != nil {
		k := *x.k
		k.Dims = make([]int64, len(target))
		for i, d := range target {
			k.Dims[i] = int64(d)
		}
		im.vals[n.Outputs[0]] = &value{k: &k}
		return nil
	}
	out := n.Outputs[0]
	switch {
	case slices.Equal(target, x.shape):
		im.vals[out] = x
		return nil
	case len(x.shape) == 4 && len(target) == 2 && target[0] == 1:
		if len(x.nnShape) == 1 { // GlobalAveragePool's (C,): already flat
			im.vals[out] = &value{node: x.node, lay: flat, shape: target, nnShape: x.nnShape}
			return nil
		}
		name, err := im.add(n, nn.NewFlatten(), x.node)
		if err != nil {
			return err
		}
		v := &value{node: name, lay: flat, shape: target, nnShape: []int{target[1]}}
		if x.lay == nchw && x.shape[2]*x.shape[3] > 1 {
			v.perm = chwToHWC(x.shape[1], x.shape[2], x.shape[3])
		}
		im.vals[out] = v
		return nil
	case x.lay == flat && len(target) == 4 && target[0] == 1 && target[1] == x.shape[1] && target[2] == 1 && target[3] == 1:
		if x.perm != nil && !identity(x.perm) {
			break
		}
		name, err := im.add(n, nn.NewReshape([]int{1, 1, target[1]}), x.node)
		if err != nil {
			return err
		}
		im.vals[out] = imageValue(name, nchw, target[1], 1, 1)
		return nil
	}
	return im.errf(n, "reshape from %v to %v is not supported (only flattening an image to (N, features), and (N, C) to (N, C, 1, 1))", x.shape, target)
}

// reshapeTarget resolves ONNX Reshape's shape input (0 copies the input's
// dimension unless allowzero, -1 is inferred).
func reshapeTarget(in []int, shape []int64, allowZero bool) ([]int, error) {
	out := make([]int, len(shape))
	infer, known := -1, 1
	for i, d := range shape {
		switch {
		case d == 0 && !allowZero:
			if i >= len(in) {
				return nil, errorf("shape %v: 0 at axis %d copies a dimension the input %v does not have", shape, i, in)
			}
			out[i] = in[i]
		case d == -1:
			if infer >= 0 {
				return nil, errorf("shape %v: expected at most one -1", shape)
			}
			infer = i
			continue
		case d < 0 || d > 1<<40:
			return nil, errorf("shape %v: expected dimensions ≥ -1", shape)
		default:
			out[i] = int(d)
		}
		known *= out[i]
	}
	total := prod(in)
	if infer >= 0 {
		if known == 0 || total%known != 0 {
			return nil, errorf("cannot reshape %v (%d values) to %v", in, total, shape)
		}
		out[infer] = total / known
	} else if known != total {
		return nil, errorf("cannot reshape %v (%d values) to %v (%d values)", in, total, shape, known)
	}
	return out, nil
}

// chwToHWC returns, for each feature of a (c, h, w)-ordered flattening, its
// index in the engine's (h, w, c) flattening.
func chwToHWC(c, h, w int) []int {
	perm := make([]int, c*h*w)
	for ci := range c {
		for y := range h {
			for x := range w {
				perm[(ci*h+y)*w+x] = (y*w+x)*c + ci
			}
		}
	}
	return perm
}

func prod(s []int) int {
	p := 1
	for _, d := range s {
		p *= d
	}
	return p
}

func dimsInt(d []int64) []int {
	out := make([]int, len(d))
	for i, v := range d {
		out[i] = int(v)
	}
	return out
}
