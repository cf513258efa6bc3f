package onnx

// in returns input i of n.
func (im *importer) in(n *Node, i int) (*value, error) {
	if i >= len(n.Inputs) || n.Inputs[i] == "" {
		return nil, im.errf(n, "expected input %d, received %d inputs", i+1, len(n.Inputs))
	}
	v := im.vals[n.Inputs[i]]
	if v == nil {
		return nil, im.errf(n, "input %q is not computed by any node, initializer or graph input", n.Inputs[i])
	}
	return v, nil
}

// act returns input i of n, which must be computed from the model's input.
func (im *importer) act(n *Node, i int) (*value, error) {
	v, err := im.in(n, i)
	if err == nil && v.k != nil {
		return nil, im.errf(n, "input %q is a constant: expected a value computed from the model's input", n.Inputs[i])
	}
	return v, err
}

// konst returns input i of n, which must be a constant; nil if absent and
// optional.
func (im *importer) konst(n *Node, i int, optional bool) (*Tensor, error) {
	if optional && (i >= len(n.Inputs) || n.Inputs[i] == "") {
		return nil, nil
	}
	v, err := im.in(n, i)
	if err != nil {
		return nil, err
	}
	if v.k == nil {
		return nil, im.errf(n, "input %q is computed at run time: expected a constant (an initializer or Constant node)", n.Inputs[i])
	}
	if v.k.Float == nil && v.k.Int64 == nil && v.k.Len() > 0 {
		return nil, im.errf(n, "constant %q of type %s: expected float or integer data", n.Inputs[i], typeName(v.k.DataType))
	}
	return v.k, nil
}

// floats returns a constant's values as float32 (integers converted).
func floats(t *Tensor) []float32 {
	if t.Float != nil {
		return t.Float
	}
	return convertSlice[float32](t.Int64)
}

// ints returns a constant's values as int64 (floats truncated).
func ints(t *Tensor) []int64 {
	if t.Int64 != nil {
		return t.Int64
	}
	return convertSlice[int64](t.Float)
}

// convertSlice returns a copy of s converted element by element to D.
func convertSlice[D, S float32 | int64](s []S) []D {
	d := make([]D, len(s))
	for i, v := range s {
		d[i] = D(v)
	}
	return d
}

func attrInt(n *Node, name string, def int64) int64 {
	if a := n.Attr(name); a != nil {
		return a.I
	}
	return def
}

func attrFloat(n *Node, name string, def float32) float32 {
	if a := n.Attr(name); a != nil {
		return a.F
	}
	return def
}

// axes returns a node's axes: from opset since on the optional constant
// input 1 (when given), before it the axes attribute.
func (im *importer) axes(n *Node, since int64) ([]int64, error) {
	axes := attrInts(n, "axes")
	if im.opset >= since {
		t, err := im.konst(n, 1, true)
		if err != nil {
			return nil, err
		}
		if t != nil {
			axes = ints(t)
		}
	}
	return axes, nil
}

func attrInts(n *Node, name string) []int64 {
	if a := n.Attr(name); a != nil {
		return a.Ints
	}
	return nil
}
