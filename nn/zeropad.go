package nn

import "fmt"

// ZeroPadding2D adds rows and columns of zeros around each image, as
// keras.layers.ZeroPadding2D(((top, bottom), (left, right))) (ONNX Pad,
// mode constant, value 0, on the spatial axes):
//
//	y[n, i+top, j+left, c] = x[n, i, j, c], zero elsewhere
//
// Input (h, w, c) gives (top+h+bottom, left+w+right, c). The input gradient
// is the matching window of dL/dy.
type ZeroPadding2D struct {
	named
	pads [4]int // top, left, bottom, right
	err  error
	g    window
}

// NewZeroPadding2D returns a ZeroPadding2D layer, arguments in Keras'
// order (top, bottom, left, right). Option: WithName.
func NewZeroPadding2D(top, bottom, left, right int, opts ...Option) *ZeroPadding2D {
	o, err := applyOptions("ZeroPadding2D", options{}, 0, opts)
	z := &ZeroPadding2D{pads: [4]int{top, left, bottom, right}, err: err}
	z.name = o.name
	if err == nil && (top < 0 || bottom < 0 || left < 0 || right < 0) {
		z.err = fmt.Errorf("ZeroPadding2D: expected non-negative padding, received ((%d, %d), (%d, %d))", top, bottom, left, right)
	}
	return z
}

// Kind returns "ZeroPadding2D".
func (z *ZeroPadding2D) Kind() string { return "ZeroPadding2D" }

func (z *ZeroPadding2D) check() error { return z.err }

// Build checks the input (h, w, c) and returns the padded shape.
func (z *ZeroPadding2D) Build(in []int) ([]int, error) {
	if z.err != nil {
		return nil, z.err
	}
	if err := checkImage("ZeroPadding2D", in); err != nil {
		return nil, err
	}
	g := &z.g
	g.h, g.w, g.c = in[0], in[1], in[2]
	g.pt, g.pl = z.pads[0], z.pads[1]
	g.oh, g.ow = g.h+z.pads[0]+z.pads[2], g.w+z.pads[1]+z.pads[3]
	return []int{g.oh, g.ow, g.c}, nil
}

// Params returns nil.
func (z *ZeroPadding2D) Params() []*Param { return nil }

// Config returns the Keras config (padding, kept as Pads: top, left,
// bottom, right).
func (z *ZeroPadding2D) Config() LayerConfig {
	return LayerConfig{ClassName: "ZeroPadding2D", Name: z.name, Pads: z.pads}
}

// Forward writes x into the middle of y and zeros around it.
func (z *ZeroPadding2D) Forward(y, x *Tensor, training bool) {
	g := &z.g
	n := x.Batch()
	checkTensor("ZeroPadding2D", "input", x, n, []int{g.h, g.w, g.c})
	checkTensor("ZeroPadding2D", "output", y, n, []int{g.oh, g.ow, g.c})
	row, orow := g.w*g.c, g.ow*g.c
	for s := 0; s < n; s++ {
		xs, ys := x.Sample(s), y.Sample(s)
		clear(ys[:g.pt*orow])
		clear(ys[(g.pt+g.h)*orow:])
		for i := 0; i < g.h; i++ {
			dst := ys[(g.pt+i)*orow : (g.pt+i+1)*orow]
			clear(dst[:g.pl*g.c])
			copy(dst[g.pl*g.c:], xs[i*row:(i+1)*row])
			clear(dst[g.pl*g.c+row:])
		}
	}
}

// Backward copies the window of dy over the input into dx.
func (z *ZeroPadding2D) Backward(dx, dy, x, y *Tensor) {
	if dx == nil {
		return
	}
	g := &z.g
	n := dy.Batch()
	checkTensor("ZeroPadding2D", "output gradient", dy, n, []int{g.oh, g.ow, g.c})
	checkTensor("ZeroPadding2D", "input gradient", dx, n, []int{g.h, g.w, g.c})
	row, orow := g.w*g.c, g.ow*g.c
	for s := 0; s < n; s++ {
		dxs, dys := dx.Sample(s), dy.Sample(s)
		for i := 0; i < g.h; i++ {
			o := (g.pt+i)*orow + g.pl*g.c
			copy(dxs[i*row:(i+1)*row], dys[o:o+row])
		}
	}
}
