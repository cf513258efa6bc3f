package nn

import (
	"fmt"
	"math"
)

// The element-wise layer types of graph models and their constructors
// (implementation: pointwise.go).

// ReLU is keras.layers.ReLU(max_value, negative_slope, threshold):
//
//	y = m            for x ≥ m (when a max_value m is set)
//	y = x            for t ≤ x < m
//	y = s·(x - t)    for x < t
//
// NewReLU(6, 0, 0) is ReLU6 (MobileNet's; ONNX Clip(0, 6)).
type ReLU struct{ pointwise }

// NewReLU returns a ReLU layer (Keras: ReLU(max_value, negative_slope,
// threshold)); maxValue 0 means no maximum (Keras' None: a ReLU capped at 0
// would output only zeros). Option: WithName.
func NewReLU(maxValue, negativeSlope, threshold float64, opts ...Option) *ReLU {
	m := maxValue
	if maxValue == 0 {
		m = math.Inf(1)
	}
	r := &ReLU{newPointwise("ReLU", pwReLU, m, negativeSlope, threshold, opts)}
	r.conf[0] = maxValue
	if maxValue < 0 || math.IsNaN(maxValue) || math.IsNaN(negativeSlope) || math.IsNaN(threshold) {
		r.err = fmt.Errorf("ReLU: expected max_value >= 0 and finite numbers, received max_value %g, negative_slope %g, threshold %g", maxValue, negativeSlope, threshold)
	}
	return r
}

// LeakyReLU is keras.layers.LeakyReLU(alpha): y = x for x ≥ 0, alpha·x
// otherwise (ONNX LeakyRelu; Keras' default alpha is 0.3, ONNX's 0.01,
// PyTorch's 0.01).
type LeakyReLU struct{ pointwise }

// NewLeakyReLU returns a LeakyReLU layer with the given negative slope.
// Option: WithName.
func NewLeakyReLU(alpha float64, opts ...Option) *LeakyReLU {
	return &LeakyReLU{newPointwise("LeakyReLU", pwReLU, math.Inf(1), alpha, 0, opts)}
}

// Clip is ONNX's Clip (PyTorch clamp, Hardtanh): y = min(max(x, lo), hi).
// It has no Keras layer; Clip(0, 6) is ReLU(6).
type Clip struct{ pointwise }

// NewClip returns a Clip layer; lo may be -Inf and hi +Inf. Option: WithName.
func NewClip(lo, hi float64, opts ...Option) *Clip {
	c := &Clip{newPointwise("Clip", pwClip, lo, hi, 0, opts)}
	if !(lo <= hi) {
		c.err = fmt.Errorf("Clip: expected min <= max, received min %g, max %g", lo, hi)
	}
	return c
}

// HardSigmoid is ONNX's HardSigmoid: y = max(0, min(1, alpha·x + beta)),
// ONNX's defaults alpha 0.2, beta 0.5 (those of Keras 2's "hard_sigmoid"
// activation). Keras 3's hard_sigmoid is relu6(x + 3)/6, that is alpha 1/6
// and beta 0.5, as PyTorch's Hardsigmoid.
type HardSigmoid struct{ pointwise }

// NewHardSigmoid returns a HardSigmoid layer. Option: WithName.
func NewHardSigmoid(alpha, beta float64, opts ...Option) *HardSigmoid {
	return &HardSigmoid{newPointwise("HardSigmoid", pwHardSigmoid, alpha, beta, 0, opts)}
}

// HardSwish is ONNX's HardSwish (Keras 3 "hard_swish", PyTorch Hardswish,
// MobileNetV3): y = x · max(0, min(1, x/6 + 1/2)).
type HardSwish struct{ pointwise }

// NewHardSwish returns a HardSwish layer. Option: WithName.
func NewHardSwish(opts ...Option) *HardSwish {
	return &HardSwish{newPointwise("HardSwish", pwHardSwish, 0, 0, 0, opts)}
}

// Rescaling is keras.layers.Rescaling(scale, offset): y = x·scale + offset
// (e.g. scale 1/255 for pixels, or 1/127.5 and offset -1).
type Rescaling struct{ pointwise }

// NewRescaling returns a Rescaling layer. Option: WithName.
func NewRescaling(scale, offset float64, opts ...Option) *Rescaling {
	return &Rescaling{newPointwise("Rescaling", pwRescale, scale, offset, 0, opts)}
}

// Identity passes its input through (Keras 3 Identity, ONNX Identity).
type Identity struct{ pointwise }

// NewIdentity returns an Identity layer. Option: WithName.
func NewIdentity(opts ...Option) *Identity {
	return &Identity{newPointwise("Identity", pwIdentity, 0, 0, 0, opts)}
}
