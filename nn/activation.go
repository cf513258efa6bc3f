package nn

import (
	"fmt"
	"math"
	"strings"
)

// activation is one of Keras' element-wise (or, for softmax, last-axis)
// activation functions. Layers apply it to their output in place and
// differentiate it from that output, so no pre-activation buffer is kept.
type activation uint8

const (
	actLinear  activation = iota // f(z) = z
	actReLU                      // f(z) = max(z, 0)
	actSigmoid                   // f(z) = 1 / (1 + exp(-z))
	actTanh                      // f(z) = tanh(z)
	actSoftmax                   // f(z)_i = exp(z_i) / Σ_j exp(z_j) over the last axis
	actReLU6                     // f(z) = min(max(z, 0), 6) (Keras "relu6", MobileNet's)
)

var activationNames = [...]string{"linear", "relu", "sigmoid", "tanh", "softmax", "relu6"}

// ActivationNames lists the activation names layers accept, as Keras spells
// them ("linear" is Keras' activation=None).
func ActivationNames() []string { return append([]string(nil), activationNames[:]...) }

// parseActivation maps a Keras activation name to its function; "" means
// linear, as activation=None does in Keras.
func parseActivation(name string) (activation, error) {
	if name == "" {
		return actLinear, nil
	}
	for i, n := range activationNames {
		if n == name {
			return activation(i), nil
		}
	}
	return 0, fmt.Errorf("unknown activation %q (expected one of %s)", name, strings.Join(activationNames[:], ", "))
}

func (a activation) String() string { return activationNames[a] }

// biasAct computes y = f(y + bias) in place, where y holds rows of len(bias)
// (or c when bias is nil) values and softmax normalises each row. One pass
// over y, so the bias addition costs no extra memory traffic.
func biasAct(y, bias []float32, c int, a activation) {
	if bias == nil {
		if a == actSoftmax {
			for r := 0; r+c <= len(y); r += c {
				softmax(y[r : r+c])
			}
		} else {
			a.apply(y)
		}
		return
	}
	c = len(bias)
	if lo, hi, ok := clampAct(a); ok { // linear, relu, relu6: one pass (pointwise_bias.go)
		biasClamp(y[:len(y)/c*c], y, bias, lo, hi)
		return
	}
	for r := 0; r+c <= len(y); r += c {
		row := y[r : r+c : r+c]
		b := bias[:len(row)]
		switch a {
		case actLinear:
			for i := range row {
				row[i] += b[i]
			}
		case actReLU:
			for i, v := range row {
				row[i] = max(v+b[i], 0) // NaN stays NaN, so divergence is noticed
			}
		case actSoftmax:
			for i := range row {
				row[i] += b[i]
			}
			softmax(row)
		default:
			for i := range row {
				row[i] += b[i]
			}
			a.apply(row)
		}
	}
}

// biasActTo computes dst = f(src + bias) for len(dst) values of src, in rows
// of c values (bias is nil or has c values): biasAct, reading its input from
// another buffer.
func biasActTo(dst, src, bias []float32, c int, a activation) {
	src = src[:len(dst)]
	lo, hi, clamps := clampAct(a)
	switch {
	case clamps && bias != nil: // one pass instead of a copy and an add (pointwise_bias.go)
		biasClamp(dst, src, bias, lo, hi)
	default:
		copy(dst, src)
		biasAct(dst, bias, c, a)
	}
}

// apply computes v = f(v) element-wise (not for softmax).
func (a activation) apply(v []float32) {
	switch a {
	case actReLU:
		for i, x := range v {
			v[i] = max(x, 0)
		}
	case actSigmoid:
		sigmoidTo(v, v) // float32, eight at a time with AVX2 (silu.go)
	case actTanh:
		for i, x := range v {
			v[i] = float32(math.Tanh(float64(x)))
		}
	case actReLU6:
		clamp(v, 0, 6)
	}
}

// softmax normalises row in place: exp(z_i - max z) / Σ_j exp(z_j - max z)
// (subtracting the maximum, as TF does, so exp never overflows).
func softmax(row []float32) {
	m := row[0]
	for _, v := range row[1:] {
		if v > m {
			m = v
		}
	}
	var s float64
	for i, v := range row {
		e := math.Exp(float64(v - m))
		row[i] = float32(e)
		s += e
	}
	inv := float32(1 / s)
	for i := range row {
		row[i] *= inv
	}
}

// grad computes dz = dLoss/dz from dy = dLoss/dy and the activation's output
// y = f(z), in rows of c values. The derivatives are written in terms of y:
// relu' = [y > 0], relu6' = [0 < y < 6], sigmoid' = y(1-y), tanh' = 1-y²,
// and softmax uses its full
// Jacobian-vector product dz_i = y_i (dy_i - Σ_j dy_j y_j). dz may alias dy.
// For linear it copies dy into dz.
func (a activation) grad(dz, dy, y []float32, c int) {
	dz, dy = dz[:len(y)], dy[:len(y)]
	switch a {
	case actLinear:
		copy(dz, dy)
	case actReLU:
		reluGrad(dz, dy, y)
	case actSigmoid:
		for i, v := range y {
			dz[i] = dy[i] * v * (1 - v)
		}
	case actTanh:
		for i, v := range y {
			dz[i] = dy[i] * (1 - v*v)
		}
	case actReLU6:
		for i, v := range y {
			if v > 0 && v < 6 {
				dz[i] = dy[i]
			} else {
				dz[i] = 0
			}
		}
	case actSoftmax:
		for r := 0; r+c <= len(y); r += c {
			yr, dyr, dzr := y[r:r+c], dy[r:r+c], dz[r:r+c]
			var s float32
			for i, v := range yr {
				s += dyr[i] * v
			}
			for i, v := range yr {
				dzr[i] = v * (dyr[i] - s)
			}
		}
	}
}

// Activation applies an activation function on its own, as
// keras.layers.Activation: y = f(x), same shape, softmax over the last axis.
type Activation struct {
	named
	actName string
	act     activation
	err     error
	in      []int
}

// NewActivation returns an Activation layer for a Keras activation name
// ("linear", "relu", "relu6", "sigmoid", "tanh", "softmax"). Option: WithName.
func NewActivation(name string, opts ...Option) *Activation {
	o, err := applyOptions("Activation", options{}, 0, opts)
	a := &Activation{actName: name, err: err}
	a.name = o.name
	a.act, _ = parseActivation(name)
	return a
}

// Kind returns "Activation".
func (a *Activation) Kind() string { return "Activation" }

func (a *Activation) check() error {
	if a.err != nil {
		return a.err
	}
	var err error
	if a.act, err = parseActivation(a.actName); err != nil {
		return fmt.Errorf("Activation: %w", err)
	}
	return nil
}

// Build accepts any input shape and returns it unchanged.
func (a *Activation) Build(in []int) ([]int, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	a.in = append([]int(nil), in...)
	return a.in, nil
}

// Params returns nil.
func (a *Activation) Params() []*Param { return nil }

// Config returns the Keras config (activation).
func (a *Activation) Config() LayerConfig {
	return LayerConfig{ClassName: "Activation", Name: a.name, Activation: a.act.String()}
}

// Forward computes y = f(x).
func (a *Activation) Forward(y, x *Tensor, training bool) {
	n := x.Batch()
	checkTensor("Activation", "input", x, n, a.in)
	checkTensor("Activation", "output", y, n, a.in)
	copy(y.Data, x.Data)
	biasAct(y.Data, nil, a.in[len(a.in)-1], a.act)
}

// Backward computes dx = dy ⊙ f'(x), from y (see activation.grad).
func (a *Activation) Backward(dx, dy, x, y *Tensor) {
	if dx == nil {
		return
	}
	n := dy.Batch()
	checkTensor("Activation", "output gradient", dy, n, a.in)
	checkTensor("Activation", "input gradient", dx, n, a.in)
	a.act.grad(dx.Data, dy.Data, y.Data, a.in[len(a.in)-1])
}
