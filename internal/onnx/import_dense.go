package onnx

import (
	"slices"

	"github.com/convscope/convscope/nn"
)

func (im *importer) transpose(n *Node) error {
	x, err := im.in(n, 0)
	if err != nil {
		return err
	}
	rank := len(x.shape)
	if x.k != nil {
		rank = len(x.k.Dims)
	}
	perm := attrInts(n, "perm")
	if perm == nil {
		for i := rank - 1; i >= 0; i-- {
			perm = append(perm, int64(i))
		}
	}
	isPerm := func(p ...int64) bool { return slices.Equal(perm, p) }
	switch {
	case x.k != nil && len(x.k.Dims) == 2 && isPerm(1, 0):
		r, c := int(x.k.Dims[0]), int(x.k.Dims[1])
		f := floats(x.k)
		t := make([]float32, len(f))
		for i := range r {
			for j := range c {
				t[j*r+i] = f[i*c+j]
			}
		}
		im.vals[n.Outputs[0]] = &value{k: &Tensor{Name: x.k.Name, DataType: TypeFloat, Dims: []int64{int64(c), int64(r)}, Float: t}}
		return nil
	case x.k != nil:
	case len(perm) == rank && identity(dimsInt(perm)):
		im.vals[n.Outputs[0]] = x
		return nil
	case x.lay == nhwc && isPerm(0, 3, 1, 2), x.lay == nchw && rank == 4 && isPerm(0, 2, 3, 1):
		v := *x
		v.shape = []int{x.shape[perm[0]], x.shape[perm[1]], x.shape[perm[2]], x.shape[perm[3]]}
		v.lay = nchw + nhwc - x.lay
		im.vals[n.Outputs[0]] = &v
		return nil
	}
	return im.errf(n, "perm %v of %v: only the NHWC↔NCHW transposes around convolutions are supported", perm, x.shape)
}

// dense converts Gemm and MatMul with constant weights into a Dense layer.
func (im *importer) dense(n *Node) error {
	x, err := im.act(n, 0)
	if err != nil {
		return err
	}
	w, err := im.konst(n, 1, false)
	if err != nil {
		return err
	}
	if x.lay != flat {
		return im.errf(n, "expected a 2-D input (N, features), received %v (add a Flatten)", x.shape)
	}
	if len(w.Dims) != 2 {
		return im.errf(n, "expected a 2-D weight, received %v", w.Dims)
	}
	alpha, beta := float32(1), float32(1)
	transB := false
	var c *Tensor
	if n.OpType == "Gemm" {
		if attrInt(n, "transA", 0) != 0 {
			return im.errf(n, "transA 1 is not supported: expected the batch in the first dimension")
		}
		transB = attrInt(n, "transB", 0) != 0
		alpha, beta = attrFloat(n, "alpha", 1), attrFloat(n, "beta", 1)
		if c, err = im.konst(n, 2, true); err != nil {
			return err
		}
	}
	in, units := int(w.Dims[0]), int(w.Dims[1])
	if transB {
		in, units = units, in
	}
	if in != x.shape[1] {
		return im.errf(n, "weight %v (transB %v): expected %d input features, received %d", w.Dims, transB, in, x.shape[1])
	}
	wf := floats(w)
	perm := x.perm
	fill := func(kernel []float32) { denseKernel(kernel, wf, perm, in, units, transB, alpha) }
	bias := make([]float32, units)
	if c != nil {
		cf := floats(c)
		switch {
		case len(cf) == 1:
			for i := range bias {
				bias[i] = beta * cf[0]
			}
		case len(cf) == units && (len(c.Dims) == 1 || (len(c.Dims) == 2 && c.Dims[0] == 1)):
			for i := range bias {
				bias[i] = beta * cf[i]
			}
		default:
			return im.errf(n, "C of shape %v: expected a scalar or %d values", c.Dims, units)
		}
	}
	l := nn.NewDense(units)
	name, err := im.add(n, l, x.node)
	if err != nil {
		return err
	}
	pd := &pendingDense{layer: l, bias: bias}
	im.fixups = append(im.fixups, func() error {
		ps := l.Params()
		if len(ps) != 2 || len(ps[0].Value) != in*units || len(ps[1].Value) != units {
			return im.errf(n, "expected a (%d, %d) kernel", in, units)
		}
		fill(ps[0].Value)
		copy(ps[1].Value, pd.bias)
		return nil
	})
	im.vals[n.Outputs[0]] = &value{node: name, lay: flat, shape: []int{1, units}, nnShape: []int{units}, dense: pd}
	return nil
}

// denseKernel writes the Keras kernel (in, units) of an ONNX Gemm/MatMul
// weight w: (in, units), or (units, in) when transB; row i of the ONNX
// weight goes to row perm[i] (nil: i); every value is scaled by alpha.
// The transposition runs in 64×64 tiles to stay in cache.
func denseKernel(kernel, w []float32, perm []int, in, units int, transB bool, alpha float32) {
	const tile = 64
	for i0 := 0; i0 < in; i0 += tile {
		for o0 := 0; o0 < units; o0 += tile {
			for i := i0; i < min(i0+tile, in); i++ {
				row := i
				if perm != nil {
					row = perm[i]
				}
				dst := kernel[row*units : (row+1)*units]
				for o := o0; o < min(o0+tile, units); o++ {
					if transB {
						dst[o] = alpha * w[o*in+i]
					} else {
						dst[o] = alpha * w[i*units+o]
					}
				}
			}
		}
	}
}

func (im *importer) softmax(n *Node) error {
	x, err := im.act(n, 0)
	if err != nil {
		return err
	}
	def := int64(-1)
	if im.opset < 13 {
		def = 1
	}
	axis := attrInt(n, "axis", def)
	if axis < 0 {
		axis += int64(len(x.shape))
	}
	ok := false
	switch {
	case x.lay == flat:
		ok = axis == 1
	case im.opset >= 13:
		ok = channelAxis(x, axis)
	case x.lay == nhwc:
		ok = axis == 3
	default: // before opset 13, Softmax flattens the axes from axis on
		ok = axis == 1 && x.shape[2]*x.shape[3] == 1
	}
	if !ok {
		return im.errf(n, "axis %d of %v at opset %d: only a softmax over channels (features) is supported", axis, x.shape, im.opset)
	}
	name, err := im.add(n, nn.NewSoftmax(), x.node)
	if err != nil {
		return err
	}
	im.vals[n.Outputs[0]] = like(x, name)
	return nil
}
