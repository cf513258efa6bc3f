package onnx

import (
	"fmt"
	"slices"

	"github.com/convscope/convscope/nn"
)

// image returns input i of n as an NCHW image value and its engine node.
func (im *importer) image(n *Node, i int) (*value, string, error) {
	x, err := im.act(n, i)
	if err != nil {
		return nil, "", err
	}
	if x.lay != nchw || len(x.shape) != 4 {
		what := fmt.Sprintf("shape %v", x.shape)
		if x.lay == nhwc {
			what = fmt.Sprintf("an NHWC tensor %v (a Transpose to NCHW is missing)", x.shape)
		}
		return nil, "", im.errf(n, "expected an NCHW image tensor (N, C, H, W), received %s", what)
	}
	node, err := im.spatial(n, x)
	return x, node, err
}

func (im *importer) conv(n *Node) error {
	x, xn, err := im.image(n, 0)
	if err != nil {
		return err
	}
	w, err := im.konst(n, 1, false)
	if err != nil {
		return err
	}
	b, err := im.konst(n, 2, true)
	if err != nil {
		return err
	}
	if len(w.Dims) != 4 {
		return im.errf(n, "only 2-D convolutions are supported: expected a weight of rank 4, received %v", w.Dims)
	}
	m, cg, kh, kw := int(w.Dims[0]), int(w.Dims[1]), int(w.Dims[2]), int(w.Dims[3])
	c, h, wd := spatialDims(x)
	group := int(attrInt(n, "group", 1))
	if group < 1 || c%group != 0 || m%group != 0 || c/group != cg {
		return im.errf(n, "weight %v with group %d: expected %d input channels, received %d", w.Dims, group, cg*max(group, 1), c)
	}
	if ks := attrInts(n, "kernel_shape"); ks != nil && !slices.Equal(ks, w.Dims[2:]) {
		return im.errf(n, "kernel_shape %v: expected the weight's %v", ks, w.Dims[2:])
	}
	win, oh, ow, err := im.window(n, h, wd, [2]int{kh, kw})
	if err != nil {
		return err
	}
	if b != nil && (b.Len() != m) {
		return im.errf(n, "bias: expected %d values, received %d", m, b.Len())
	}
	if bn := im.foldBN[n]; bn != nil {
		var ok bool
		if w, b, ok = im.foldedWeights(bn, w, b); !ok {
			return im.errf(bn, "expected %d values per input (one per channel)", m)
		}
	}
	opts := append(win.options(), nn.WithUseBias(b != nil))
	if group > 1 {
		opts = append(opts, nn.WithGroups(group))
	}
	if win.d != [2]int{1, 1} {
		opts = append(opts, nn.WithDilation(win.d[0], win.d[1]))
	}
	if act := im.fuse[n]; act != "" {
		opts = append(opts, nn.WithActivation(act))
	}
	l := nn.NewConv2D(m, kh, kw, opts...)
	name, err := im.add(n, l, xn)
	if err != nil {
		return err
	}
	// ONNX weight (M, C/g, kh, kw) → Keras kernel (kh, kw, C/g, M).
	wf := floats(w)
	im.setWeights(n, l, len(wf), func(kernel []float32) { convKernel(kernel, wf, m, cg, kh, kw) }, b)
	v := imageValue(name, nchw, m, oh, ow)
	v.activated = im.fuse[n] != "" || im.foldBN[n] != nil
	im.vals[n.Outputs[0]] = v
	return nil
}

// convKernel writes the Keras kernel (kh, kw, C/g, M) of the ONNX weight w
// (M, C/g, kh, kw). Seen as matrices it is a transpose of w's (M, K)
// (K = C/g·kh·kw, column r = ci·kh·kw + pos) into (K, M) with row
// pos·C/g + ci; it runs in 32×32 tiles so both sides stay in cache.
func convKernel(dst, w []float32, m, cg, kh, kw int) {
	khw := kh * kw
	k := cg * khw
	const tile = 32
	for o0 := 0; o0 < m; o0 += tile {
		o1 := min(o0+tile, m)
		for r0 := 0; r0 < k; r0 += tile {
			for r := r0; r < min(r0+tile, k); r++ {
				ci, pos := r/khw, r%khw
				d := dst[(pos*cg+ci)*m : (pos*cg+ci+1)*m]
				for o := o0; o < o1; o++ {
					d[o] = w[o*k+r]
				}
			}
		}
	}
}

// setWeights fills l's kernel (of size values) and copies an optional
// bias into it after Build: the kernel is written once, in place.
func (im *importer) setWeights(n *Node, l nn.LayerBase, size int, fill func(kernel []float32), bias *Tensor) {
	im.fixups = append(im.fixups, func() error {
		ps := l.Params()
		want := 1
		if bias != nil {
			want = 2
		}
		if len(ps) != want || len(ps[0].Value) != size || (bias != nil && len(ps[1].Value) != len(floats(bias))) {
			return im.errf(n, "the engine layer's weights do not match the file's (internal error)")
		}
		fill(ps[0].Value)
		if bias != nil {
			copy(ps[1].Value, floats(bias))
		}
		return nil
	})
}

func (im *importer) pool(n *Node) error {
	x, xn, err := im.image(n, 0)
	if err != nil {
		return err
	}
	ks := attrInts(n, "kernel_shape")
	if len(ks) != 2 || ks[0] < 1 || ks[1] < 1 || ks[0] > 1<<16 || ks[1] > 1<<16 {
		return im.errf(n, "kernel_shape: expected 2 positive values (2-D pooling), received %v", ks)
	}
	c, h, w := spatialDims(x)
	win, oh, ow, err := im.window(n, h, w, [2]int{int(ks[0]), int(ks[1])})
	if err != nil {
		return err
	}
	if win.d != [2]int{1, 1} {
		return im.errf(n, "dilations %v: expected 1, 1 for pooling", win.d)
	}
	opts := win.options()
	if win.ceil {
		opts = append(opts, nn.WithCeilMode(true))
	}
	var l nn.LayerBase
	if n.OpType == "MaxPool" {
		if attrInt(n, "storage_order", 0) != 0 && len(n.Outputs) > 1 {
			return im.errf(n, "storage_order 1 is not supported")
		}
		l = nn.NewMaxPooling2D(win.k[0], win.k[1], opts...)
	} else {
		if attrInt(n, "count_include_pad", 0) != 0 && win.pads != [4]int{} {
			opts = append(opts, nn.WithCountIncludePad(true))
		}
		l = nn.NewAveragePooling2D(win.k[0], win.k[1], opts...)
	}
	name, err := im.add(n, l, xn)
	if err != nil {
		return err
	}
	im.vals[n.Outputs[0]] = imageValue(name, nchw, c, oh, ow)
	return nil
}

func (im *importer) globalPool(n *Node) error {
	x, xn, err := im.image(n, 0)
	if err != nil {
		return err
	}
	name, err := im.add(n, nn.NewGlobalAveragePooling2D(), xn)
	if err != nil {
		return err
	}
	c := x.shape[1]
	im.vals[n.Outputs[0]] = &value{node: name, lay: nchw, shape: []int{1, c, 1, 1}, nnShape: []int{c}}
	return nil
}

func (im *importer) pad(n *Node) error {
	x, err := im.act(n, 0)
	if err != nil {
		return err
	}
	if mode := string(attrBytes(n, "mode")); mode != "" && mode != "constant" {
		return im.errf(n, "mode %q: only constant (zero) padding is supported", mode)
	}
	var pads []int64
	fill := float32(0)
	if im.opset < 11 {
		pads, fill = attrInts(n, "pads"), attrFloat(n, "value", 0)
	} else {
		t, err := im.konst(n, 1, false)
		if err != nil {
			return err
		}
		pads = ints(t)
		if v, err := im.konst(n, 2, true); err != nil {
			return err
		} else if v != nil && len(floats(v)) > 0 {
			fill = floats(v)[0]
		}
		if len(n.Inputs) > 3 && n.Inputs[3] != "" {
			return im.errf(n, "the axes input is not supported: expected pads for all 4 axes")
		}
	}
	if fill != 0 {
		return im.errf(n, "constant value %g: only zero padding is supported", fill)
	}
	if len(pads) != 8 || len(x.shape) != 4 {
		return im.errf(n, "expected 8 pads for a 4-D tensor, received %d pads for shape %v", len(pads), x.shape)
	}
	hAxis, wAxis := 2, 3
	if x.lay == nhwc {
		hAxis, wAxis = 1, 2
	}
	for i, p := range pads {
		if p < 0 || p > 1<<16 || (p != 0 && i%4 != hAxis && i%4 != wAxis) {
			return im.errf(n, "pads %v: only non-negative padding of height and width is supported", pads)
		}
	}
	xn, err := im.spatial(n, x)
	if err != nil {
		return err
	}
	t, l, b, r := int(pads[hAxis]), int(pads[wAxis]), int(pads[hAxis+4]), int(pads[wAxis+4])
	name, err := im.add(n, nn.NewZeroPadding2D(t, b, l, r), xn)
	if err != nil {
		return err
	}
	c, h, w := spatialDims(x)
	im.vals[n.Outputs[0]] = imageValue(name, x.lay, c, h+t+b, w+l+r)
	return nil
}
