package nn

import (
	"fmt"
	"slices"
	"strings"
)

// Option sets one of a layer's optional Keras arguments in the layer
// constructors, e.g. NewConv2D(32, 3, 3, WithActivation("relu")).
// An option a layer does not take (strides on a Dense, say) is reported by
// the layer's Build, as are invalid values.
type Option func(*options)

// options are the optional arguments; given records which ones were passed.
type options struct {
	name       string
	activation string
	strides    [2]int
	padding    string
	useBias    bool
	groups     int
	dilation   [2]int
	pads       [4]int // top, left, bottom, right
	ceilMode   bool
	countPad   bool
	epsilon    float64
	momentum   float64
	given      optionSet
}

type optionSet uint16

const (
	optName optionSet = 1 << iota
	optActivation
	optStrides
	optPadding
	optUseBias
	optGroups
	optDilation
	optPads
	optCeilMode
	optCountPad
	optEpsilon
	optMomentum
)

var optionKeys = [...]string{"name", "activation", "strides", "padding", "use_bias", "groups", "dilation_rate",
	"pads", "ceil_mode", "count_include_pad", "epsilon", "momentum"}

// WithName sets the layer's name (Keras name=); by default Sequential names
// layers conv2d_1, max_pooling2d_1, dense_1, ….
func WithName(name string) Option {
	return func(o *options) { o.name = name; o.given |= optName }
}

// WithActivation sets the activation applied to the layer's output (Keras
// activation=): "linear" (the default), "relu", "relu6", "sigmoid", "tanh" or
// "softmax" (over the last axis).
func WithActivation(name string) Option {
	return func(o *options) { o.activation = name; o.given |= optActivation }
}

// WithStrides sets the vertical and horizontal step of a convolution or
// pooling window (Keras strides=(sh, sw)). Convolutions default to (1, 1),
// pooling to the pool size.
func WithStrides(sh, sw int) Option {
	return func(o *options) { o.strides = [2]int{sh, sw}; o.given |= optStrides }
}

// WithPadding sets Keras' padding= of a convolution or pooling layer: "valid"
// (the default, no padding) or "same" (TensorFlow's rule: output size
// ceil(in/stride), zeros or, for max pooling, -inf split evenly with the extra
// one after).
func WithPadding(padding string) Option {
	return func(o *options) { o.padding = padding; o.given |= optPadding }
}

// WithUseBias sets Keras' use_bias= of Conv2D and Dense (default true).
func WithUseBias(useBias bool) Option {
	return func(o *options) { o.useBias = useBias; o.given |= optUseBias }
}

// WithGroups splits a Conv2D's input and output channels into g groups
// convolved separately (Keras groups=, ONNX group): each output channel sees
// cin/g input channels, and the kernel is (kh, kw, cin/g, filters). g = cin
// is a depthwise convolution (Keras' DepthwiseConv2D with depth_multiplier
// filters/cin has the same kernel in memory, shaped (kh, kw, cin, mult)).
// Default 1.
func WithGroups(g int) Option {
	return func(o *options) { o.groups = g; o.given |= optGroups }
}

// WithDilation sets a Conv2D's dilation (Keras dilation_rate=(dh, dw), ONNX
// dilations): kernel taps are dh rows and dw columns apart, so a kh×kw
// kernel spans (kh-1)·dh+1 × (kw-1)·dw+1 pixels. Default (1, 1).
func WithDilation(dh, dw int) Option {
	return func(o *options) { o.dilation = [2]int{dh, dw}; o.given |= optDilation }
}

// WithPads sets explicit, possibly asymmetric zero padding of a Conv2D or
// pooling layer, in ONNX's order: rows before (top), columns before (left),
// rows after (bottom), columns after (right). It goes with padding "valid"
// (the default) and replaces Keras' "same" (which pads an odd total with the
// extra pixel at the bottom/right, where PyTorch pads symmetrically). Max
// pooling's padding never wins; average pooling counts it only with
// WithCountIncludePad.
func WithPads(top, left, bottom, right int) Option {
	return func(o *options) { o.pads = [4]int{top, left, bottom, right}; o.given |= optPads }
}

// WithCeilMode makes a pooling layer round its output size up (ONNX and
// PyTorch ceil_mode): out = ceil((in + pads - k)/s) + 1, except that a last
// window starting in the bottom/right padding is dropped, as PyTorch does.
// Default false (round down, Keras' only mode).
func WithCeilMode(ceil bool) Option {
	return func(o *options) { o.ceilMode = ceil; o.given |= optCeilMode }
}

// WithCountIncludePad makes AveragePooling2D divide by the whole window,
// explicit padding included (ONNX count_include_pad=1, PyTorch's default);
// by default it divides by the pixels inside the image (Keras, ONNX's
// default).
func WithCountIncludePad(include bool) Option {
	return func(o *options) { o.countPad = include; o.given |= optCountPad }
}

// WithEpsilon sets BatchNormalization's epsilon, added to the variance
// (Keras' default 1e-3; ONNX's and PyTorch's 1e-5).
func WithEpsilon(eps float64) Option {
	return func(o *options) { o.epsilon = eps; o.given |= optEpsilon }
}

// WithMomentum sets BatchNormalization's momentum (Keras' default 0.99):
// moving = moving·momentum + batch·(1 - momentum) at each training step.
// PyTorch's momentum m is Keras' 1 - m.
func WithMomentum(m float64) Option {
	return func(o *options) { o.momentum = m; o.given |= optMomentum }
}

// applyOptions applies opts over defaults and reports options the layer kind
// does not take (allowed lists those it does).
func applyOptions(kind string, defaults options, allowed optionSet, opts []Option) (options, error) {
	o := defaults
	o.given = 0
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	if extra := o.given &^ (allowed | optName); extra != 0 {
		var bad, ok []string
		for i, k := range optionKeys {
			switch {
			case extra&(1<<i) != 0:
				bad = append(bad, k)
			case (allowed|optName)&(1<<i) != 0:
				ok = append(ok, k)
			}
		}
		return o, fmt.Errorf("%s: unexpected option %s (%s takes %s)", kind, strings.Join(bad, ", "), kind, strings.Join(ok, ", "))
	}
	return o, nil
}

// checkPadding validates a Keras padding name.
func checkPadding(kind, padding string) error {
	if padding != "valid" && padding != "same" {
		return fmt.Errorf("%s: expected padding \"valid\" or \"same\", received %q", kind, padding)
	}
	return nil
}

// checkPads validates explicit padding, which goes with padding "valid".
func checkPads(kind, padding string, pads [4]int) error {
	if pads[0] < 0 || pads[1] < 0 || pads[2] < 0 || pads[3] < 0 {
		return fmt.Errorf("%s: expected non-negative pads, received %v", kind, pads)
	}
	if pads != ([4]int{}) && padding != "valid" {
		return fmt.Errorf("%s: explicit pads go with padding \"valid\", received padding %q", kind, padding)
	}
	return nil
}

// checkPair validates a positive (height, width) pair such as a kernel size.
func checkPair(kind, what string, p [2]int) error {
	if p[0] <= 0 || p[1] <= 0 {
		return fmt.Errorf("%s: expected positive %s, received (%d, %d)", kind, what, p[0], p[1])
	}
	return nil
}

// checkImage validates an image input shape (height, width, channels).
func checkImage(kind string, in []int) error {
	if len(in) != 3 {
		return fmt.Errorf("%s: expected input of rank 3 (height, width, channels), received %s", kind, shapeString(in))
	}
	return nil
}

// named holds a layer's name (the Name/SetName half of Layer).
type named struct{ name string }

// Name returns the layer's name, e.g. "conv2d_1" (empty until named).
func (n *named) Name() string { return n.name }

// SetName sets the layer's name; Sequential calls it for unnamed layers.
func (n *named) SetName(name string) { n.name = name }

// checkTensor panics unless t has shape (batch, shape...).
func checkTensor(kind, what string, t *Tensor, batch int, shape []int) {
	if t == nil || len(t.Shape) != len(shape)+1 || t.Shape[0] != batch || !slices.Equal(t.Shape[1:], shape) || len(t.Data) != batch*shapeSize(shape) {
		got := "nil"
		if t != nil {
			got = shapeString(t.Shape)
		}
		panic(fmt.Sprintf("nn: %s: expected %s of shape (%d, %s), received %s", kind, what, batch, strings.Trim(shapeString(shape), "(),"), got))
	}
}
