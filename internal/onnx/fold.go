package onnx

import (
	"slices"
)

// Constant folding of the shape arithmetic exporters write for a dynamic
// batch, e.g. PyTorch's x.view(x.size(0), -1):
//
//	Shape(x) → Gather(0) → Unsqueeze → Concat([N], [-1]) → Reshape(x, ·)
//
// Shape of a computed tensor is its ONNX shape with batch 1 (the engine's
// layers are per sample, so a Reshape to (1, -1) is a per-sample flatten);
// the other ops are evaluated when all their inputs are constants.

// intConst makes an int64 constant.
func intConst(dims []int64, v []int64) *value {
	return &value{k: &Tensor{DataType: TypeInt64, Dims: dims, Int64: v}}
}

func (im *importer) fold(n *Node) error {
	x, err := im.in(n, 0)
	if err != nil {
		return err
	}
	out := n.Outputs[0]
	if n.OpType == "Shape" {
		shape := x.shape
		if x.k != nil {
			shape = dimsInt(x.k.Dims)
		}
		r := int64(len(shape))
		start, end := attrInt(n, "start", 0), attrInt(n, "end", r)
		start, end = clampAxis(start, r), clampAxis(end, r)
		var v []int64
		for _, d := range shape[start:max(start, end)] {
			v = append(v, int64(d))
		}
		im.vals[out] = intConst([]int64{int64(len(v))}, v)
		return nil
	}
	if x.k == nil {
		return im.errf(n, "%s of a computed tensor is not supported: only shape arithmetic on constants", n.OpType)
	}
	k := x.k
	switch n.OpType {
	case "Gather":
		idx, err := im.konst(n, 1, false)
		if err != nil {
			return err
		}
		if len(k.Dims) != 1 || attrInt(n, "axis", 0) != 0 || len(idx.Dims) > 1 {
			return im.errf(n, "only gathering from a 1-D constant is supported, received data %v, indices %v", k.Dims, idx.Dims)
		}
		size := int64(k.Len())
		t := &Tensor{DataType: k.DataType, Dims: slices.Clone(idx.Dims)}
		for _, i := range ints(idx) {
			if i < 0 {
				i += size
			}
			if i < 0 || i >= size {
				return im.errf(n, "index %d out of range for %d values", i, size)
			}
			if k.Float != nil {
				t.Float = append(t.Float, k.Float[i])
			} else {
				t.Int64 = append(t.Int64, k.Int64[i])
			}
		}
		im.vals[out] = &value{k: t}
	case "Unsqueeze":
		axes, err := im.axes(n, 13)
		if err != nil {
			return err
		}
		dims, ok := unsqueeze(k.Dims, axes)
		if !ok {
			return im.errf(n, "axes %v do not fit the shape %v", axes, k.Dims)
		}
		t := *k
		t.Dims = dims
		im.vals[out] = &value{k: &t}
	}
	return nil
}

// clampAxis resolves a negative axis and clamps it to [0, r] (Shape's
// start and end).
func clampAxis(a, r int64) int64 {
	if a < 0 {
		a += r
	}
	return min(max(a, 0), r)
}

// unsqueeze inserts size-1 dimensions at axes (of the result).
func unsqueeze(dims, axes []int64) ([]int64, bool) {
	r := int64(len(dims) + len(axes))
	at := map[int64]bool{}
	for _, a := range axes {
		if a < 0 {
			a += r
		}
		if a < 0 || a >= r || at[a] {
			return nil, false
		}
		at[a] = true
	}
	out := make([]int64, 0, r)
	j := 0
	for i := range r {
		if at[i] {
			out = append(out, 1)
		} else {
			out = append(out, dims[j])
			j++
		}
	}
	return out, true
}

// concatConsts concatenates 1-D (or scalar) constants.
func (im *importer) concatConsts(n *Node) error {
	t := &Tensor{DataType: TypeInt64}
	var all []*Tensor
	for i := range n.Inputs {
		k, err := im.konst(n, i, false)
		if err != nil {
			return err
		}
		if len(k.Dims) > 1 {
			return im.errf(n, "only 1-D constants can be concatenated, received %v", k.Dims)
		}
		if k.Float != nil {
			t.DataType = TypeFloat
		}
		all = append(all, k)
	}
	for _, k := range all {
		if t.DataType == TypeFloat {
			t.Float = append(t.Float, floats(k)...)
		} else {
			t.Int64 = append(t.Int64, k.Int64...)
		}
	}
	t.Dims = []int64{int64(len(t.Float) + len(t.Int64))}
	im.vals[n.Outputs[0]] = &value{k: t}
	return nil
}

// arithConsts evaluates Add, Sub, Mul or Div of two constants of the same
// size, or of a constant and a scalar (integers stay integers).
func (im *importer) arithConsts(n *Node, a, b *Tensor) error {
	la, lb := a.Len(), b.Len()
	if la != lb && la != 1 && lb != 1 {
		return im.errf(n, "constants of shapes %v and %v: expected equal sizes or a scalar", a.Dims, b.Dims)
	}
	dims := a.Dims
	if la == 1 {
		dims = b.Dims
	}
	size := max(la, lb)
	t := &Tensor{Dims: slices.Clone(dims)}
	if a.Float == nil && b.Float == nil && size > 0 {
		var ok bool
		t.DataType = TypeInt64
		if t.Int64, ok = broadcastArith(n.OpType, a.Int64, b.Int64, size); !ok {
			return im.errf(n, "integer division by zero")
		}
	} else if size > 0 {
		t.DataType = TypeFloat
		t.Float, _ = broadcastArith(n.OpType, floats(a), floats(b), size)
	}
	im.vals[n.Outputs[0]] = &value{k: t}
	return nil
}

// broadcastArith returns the size values of x op y for op Add, Sub, Mul or
// Div, x and y taken from a and b (a one-value slice repeats). It reports
// false for an integer division by zero.
func broadcastArith[T int64 | float32](op string, a, b []T, size int) ([]T, bool) {
	out := make([]T, size)
	for i := range out {
		x, y := a[min(i, len(a)-1)], b[min(i, len(b)-1)]
		switch op {
		case "Add":
			out[i] = x + y
		case "Sub":
			out[i] = x - y
		case "Mul":
			out[i] = x * y
		case "Div":
			if _, integer := any(y).(int64); integer && y == 0 {
				return nil, false
			}
			out[i] = x / y
		}
	}
	return out, true
}
