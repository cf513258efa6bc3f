package nn

import (
	"fmt"
	"strings"
	"testing"
)

// Logits on a hand-worked Dense layer: kernel ((1, 2), (3, 4), (5, 6)),
// bias (1/2, −1); x = (1, 0, 2) gives z = (11.5, 13), x = (0, 1, −1) gives
// z = (−1.5, −3). The head decides where z comes from: recomputed for a
// Dense with an activation, the output of one without, the input of an
// Activation or Softmax layer.
func TestLogitsHandWorked(t *testing.T) {
	dense := func(opts ...Option) *Dense { return NewDense(2, opts...) }
	tests := []struct {
		name   string
		layers []Layer
		want   string
	}{
		{"dense sigmoid", []Layer{dense(WithActivation("sigmoid"))}, "[11.5 13 -1.5 -3]"},
		{"dense softmax", []Layer{dense(WithActivation("softmax"))}, "[11.5 13 -1.5 -3]"},
		{"dense relu", []Layer{dense(WithActivation("relu"))}, "[11.5 13 -1.5 -3]"},
		{"dense linear", []Layer{dense()}, "[11.5 13 -1.5 -3]"},
		{"activation head", []Layer{dense(), NewActivation("sigmoid")}, "[11.5 13 -1.5 -3]"},
		{"softmax head", []Layer{dense(), NewSoftmax()}, "[11.5 13 -1.5 -3]"},
		// Without a bias: z = (11, 14), (−2, −2).
		{"no bias", []Layer{dense(WithActivation("sigmoid"), WithUseBias(false))}, "[11 14 -2 -2]"},
	}
	for _, tt := range tests {
		m, err := NewSequential([]int{3}, tt.layers...)
		if err != nil {
			t.Fatal(err)
		}
		ps := m.Params()
		copy(ps[0].Value, []float32{1, 2, 3, 4, 5, 6})
		if len(ps) > 1 {
			copy(ps[1].Value, []float32{0.5, -1})
		}
		m.WeightsChanged()
		if _, err := m.Logits(); err == nil || err.Error() != "nn: Logits: call Forward first" {
			t.Errorf("%s: Logits before Forward: %v", tt.name, err)
		}
		m.Forward(&Tensor{Shape: []int{2, 3}, Data: []float32{1, 0, 2, 0, 1, -1}}, false)
		z, err := m.Logits()
		if err != nil || fmt.Sprint(z.Data) != tt.want || fmt.Sprint(z.Shape) != "[2 2]" {
			t.Errorf("%s: Logits = %v, %v; want %s", tt.name, z, err, tt.want)
			continue
		}
		if z == m.Outputs()[len(m.Outputs())-1] || z == m.Outputs()[0] {
			t.Errorf("%s: Logits returned a model buffer, not a copy", tt.name)
		}
	}
}

func TestLogitsErrors(t *testing.T) {
	m, err := NewSequential([]int{4, 4, 1}, NewConv2D(2, 3, 3, WithActivation("relu")))
	if err != nil {
		t.Fatal(err)
	}
	m.Forward(NewTensor(1, 4, 4, 1), false)
	if _, err := m.Logits(); err == nil || err.Error() != "nn: Logits: expected a Dense, Activation or Softmax output, or one without activation, received Conv2D with relu" {
		t.Errorf("conv head: %v", err)
	}
	g := NewGraph([]int{3})
	a, _ := g.Add(NewDense(2), GraphInput)
	b, _ := g.Add(NewDense(2), GraphInput)
	g.SetOutputs(a, b)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	g.Forward(NewTensor(1, 3), false)
	if _, err := g.Logits(); err == nil || !strings.Contains(err.Error(), "nn: Logits: expected a graph with one output, received 2") {
		t.Errorf("two outputs: %v", err)
	}
}
