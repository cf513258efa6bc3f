package nn

// Flatten reshapes each sample to a vector, as keras.layers.Flatten: input
// (d1, …, dk) gives output (d1·…·dk,), in row-major order, so an NHWC image
// (h, w, c) flattens in Keras' (height, width, channels) order and the
// values are a plain copy.
type Flatten struct {
	named
	err  error
	in   []int
	size int
}

// NewFlatten returns a Flatten layer. Option: WithName.
func NewFlatten(opts ...Option) *Flatten {
	o, err := applyOptions("Flatten", options{}, 0, opts)
	l := &Flatten{err: err}
	l.name = o.name
	return l
}

// Kind returns "Flatten".
func (l *Flatten) Kind() string { return "Flatten" }

func (l *Flatten) check() error { return l.err }

// Build returns (product of the input dimensions,).
func (l *Flatten) Build(in []int) ([]int, error) {
	if l.err != nil {
		return nil, l.err
	}
	l.in = append([]int(nil), in...)
	l.size = shapeSize(in)
	return []int{l.size}, nil
}

// Params returns nil.
func (l *Flatten) Params() []*Param { return nil }

// Config returns the Keras config (just the name).
func (l *Flatten) Config() LayerConfig { return LayerConfig{ClassName: "Flatten", Name: l.name} }

// Forward copies x into y.
func (l *Flatten) Forward(y, x *Tensor, training bool) {
	n := x.Batch()
	checkTensor("Flatten", "input", x, n, l.in)
	checkTensor("Flatten", "output", y, n, []int{l.size})
	copy(y.Data, x.Data)
}

// Backward copies dy into dx.
func (l *Flatten) Backward(dx, dy, x, y *Tensor) {
	if dx == nil {
		return
	}
	n := dy.Batch()
	checkTensor("Flatten", "output gradient", dy, n, []int{l.size})
	checkTensor("Flatten", "input gradient", dx, n, l.in)
	copy(dx.Data, dy.Data)
}
