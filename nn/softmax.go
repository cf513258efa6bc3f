package nn

// Softmax is keras.layers.Softmax (axis -1; ONNX Softmax over the last axis
// of NHWC data, or axis 1 of a (batch, classes) tensor):
//
//	y_i = exp(x_i - max x) / Σ_j exp(x_j - max x)
//
// over the last axis, and dx_i = y_i (dy_i - Σ_j dy_j y_j). It is
// Activation("softmax") under the Keras class name of the layer.
type Softmax struct{ Activation }

// NewSoftmax returns a Softmax layer over the last axis. Option: WithName.
func NewSoftmax(opts ...Option) *Softmax {
	o, err := applyOptions("Softmax", options{}, 0, opts)
	s := &Softmax{Activation{actName: "softmax", act: actSoftmax, err: err}}
	s.name = o.name
	return s
}

// Kind returns "Softmax".
func (s *Softmax) Kind() string { return "Softmax" }

// Config returns the Keras config (just the name).
func (s *Softmax) Config() LayerConfig { return LayerConfig{ClassName: "Softmax", Name: s.name} }
