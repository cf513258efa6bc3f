package nn

import (
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// awayFromZero pushes every input at least 0.1 from relu's kink.
func awayFromZero(_ Layer, x *Tensor, _ *rand.Rand) {
	for i, v := range x.Data {
		x.Data[i] = v + float32(math.Copysign(0.1, float64(v)))
	}
}

func TestActivationGradients(t *testing.T) {
	for _, name := range ActivationNames() {
		t.Run(name, func(t *testing.T) {
			checkGradients(t, gradCase{
				layer: func() Layer { return NewActivation(name) },
				in:    []int{3, 2, 4}, batch: 2, prep: awayFromZero,
			})
		})
	}
}

func TestActivationValues(t *testing.T) {
	x := []float32{-2, -0.5, 0, 0.5, 3}
	ref := map[string]func(float64) float64{
		"linear":  func(v float64) float64 { return v },
		"relu":    func(v float64) float64 { return math.Max(v, 0) },
		"sigmoid": func(v float64) float64 { return 1 / (1 + math.Exp(-v)) },
		"tanh":    math.Tanh,
		"relu6":   func(v float64) float64 { return math.Min(math.Max(v, 0), 6) },
	}
	for name, f := range ref {
		l := NewActivation(name)
		l.Build([]int{5})
		y := NewTensor(1, 5)
		l.Forward(y, &Tensor{Shape: []int{1, 5}, Data: x}, false)
		for i, v := range x {
			if math.Abs(float64(y.Data[i])-f(float64(v))) > 1e-6 {
				t.Errorf("%s(%g) = %g, want %g", name, v, y.Data[i], f(float64(v)))
			}
		}
	}
	// Softmax over the last axis: exp(x_i)/Σ exp(x_j), stable for large x.
	l := NewActivation("softmax")
	l.Build([]int{2, 3})
	y := NewTensor(1, 2, 3)
	l.Forward(y, &Tensor{Shape: []int{1, 2, 3}, Data: []float32{1, 2, 3, 1000, 1000, 1000}}, false)
	e := []float64{math.Exp(-2), math.Exp(-1), 1}
	s := e[0] + e[1] + e[2]
	want := []float64{e[0] / s, e[1] / s, e[2] / s, 1.0 / 3, 1.0 / 3, 1.0 / 3}
	for i, w := range want {
		if math.Abs(float64(y.Data[i])-w) > 1e-6 {
			t.Errorf("softmax[%d] = %g, want %g", i, y.Data[i], w)
		}
	}
	// Extreme inputs stay finite.
	ext := []float32{-1e30, 1e30, -1e30, 1e30, -1e30, 1e30, -1e30, 1e30, -1e30} // the AVX2 loop and the tail
	sg := make([]float32, len(ext))
	sigmoidTo(sg, ext)
	for i, v := range ext {
		if s := sg[i]; math.IsNaN(float64(s)) || s < 0 || s > 1 {
			t.Errorf("sigmoid(%g) = %g", v, s)
		}
	}
}

func TestReLUKeepsNaN(t *testing.T) {
	y := []float32{float32(math.NaN()), -1, 2}
	biasAct(y, nil, 3, actReLU)
	if !math.IsNaN(float64(y[0])) || y[1] != 0 || y[2] != 2 {
		t.Errorf("relu = %v, want [NaN 0 2]", y)
	}
}

func TestActivationErrors(t *testing.T) {
	if _, err := NewActivation("swish").Build([]int{3}); err == nil || !strings.Contains(err.Error(), `Activation: unknown activation "swish"`) {
		t.Errorf("err = %v", err)
	}
	if !slices.Equal(ActivationNames(), []string{"linear", "relu", "sigmoid", "tanh", "softmax", "relu6"}) {
		t.Errorf("ActivationNames() = %v", ActivationNames())
	}
}
