package nn

// GlobalAveragePooling2D averages each channel over the whole image, as
// keras.layers.GlobalAveragePooling2D (channels_last, keepdims=False):
//
//	y[n, c] = (1 / (h·w)) Σ_{i,j} x[n, i, j, c]
//
// Input (h, w, c) gives output (c,).
type GlobalAveragePooling2D struct {
	named
	err     error
	h, w, c int
}

// NewGlobalAveragePooling2D returns the layer. Option: WithName.
func NewGlobalAveragePooling2D(opts ...Option) *GlobalAveragePooling2D {
	o, err := applyOptions("GlobalAveragePooling2D", options{}, 0, opts)
	l := &GlobalAveragePooling2D{err: err}
	l.name = o.name
	return l
}

// Kind returns "GlobalAveragePooling2D".
func (l *GlobalAveragePooling2D) Kind() string { return "GlobalAveragePooling2D" }

func (l *GlobalAveragePooling2D) check() error { return l.err }

// Build checks the input (h, w, c) and returns (c,).
func (l *GlobalAveragePooling2D) Build(in []int) ([]int, error) {
	if l.err != nil {
		return nil, l.err
	}
	if err := checkImage("GlobalAveragePooling2D", in); err != nil {
		return nil, err
	}
	l.h, l.w, l.c = in[0], in[1], in[2]
	return []int{l.c}, nil
}

// Params returns nil.
func (l *GlobalAveragePooling2D) Params() []*Param { return nil }

// Config returns the Keras config (just the name).
func (l *GlobalAveragePooling2D) Config() LayerConfig {
	return LayerConfig{ClassName: "GlobalAveragePooling2D", Name: l.name}
}

// Forward averages every channel of every sample.
func (l *GlobalAveragePooling2D) Forward(y, x *Tensor, training bool) {
	n := x.Batch()
	checkTensor("GlobalAveragePooling2D", "input", x, n, []int{l.h, l.w, l.c})
	checkTensor("GlobalAveragePooling2D", "output", y, n, []int{l.c})
	inv := 1 / float32(l.h*l.w)
	for s := 0; s < n; s++ {
		xs, ys := x.Sample(s), y.Sample(s)
		clear(ys)
		sumRows(ys, xs)
		for i := range ys {
			ys[i] *= inv
		}
	}
}

// Backward spreads dy evenly: dx[n, i, j, c] = dy[n, c] / (h·w).
func (l *GlobalAveragePooling2D) Backward(dx, dy, x, y *Tensor) {
	if dx == nil {
		return
	}
	n := dy.Batch()
	checkTensor("GlobalAveragePooling2D", "output gradient", dy, n, []int{l.c})
	checkTensor("GlobalAveragePooling2D", "input gradient", dx, n, []int{l.h, l.w, l.c})
	inv := 1 / float32(l.h*l.w)
	for s := 0; s < n; s++ {
		dxs, dys := dx.Sample(s), dy.Sample(s)
		for p := 0; p < len(dxs); p += l.c {
			d := dxs[p : p+l.c]
			for i, v := range dys {
				d[i] = v * inv
			}
		}
	}
}
