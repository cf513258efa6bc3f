package nn

import (
	"strings"
	"testing"
)

// isReLU: the layers where the guided rule applies.
func TestIsReLU(t *testing.T) {
	tests := []struct {
		name string
		l    LayerBase
		want bool
	}{
		{"conv relu", NewConv2D(1, 1, 1, WithActivation("relu")), true},
		{"dense relu6", NewDense(1, WithActivation("relu6")), true},
		{"activation relu", NewActivation("relu"), true},
		{"dense sigmoid", NewDense(1, WithActivation("sigmoid")), false},
		{"dense linear", NewDense(1), false},
		{"relu layer", NewReLU(0, 0, 0), true},
		{"leaky relu layer", NewReLU(0, 0.1, 0), false},
		{"flatten", NewFlatten(), false},
	}
	for _, tt := range tests {
		if got := isReLU(tt.l); got != tt.want {
			t.Errorf("%s: isReLU = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// FromLogits refuses a From node it cannot see through: an Activation
// applied to the model's input has no logits of its own; and an unknown
// node name.
func TestFromLogitsErrors(t *testing.T) {
	g := NewGraph([]int{3})
	a, _ := g.Add(NewActivation("sigmoid"), GraphInput)
	d, _ := g.Add(NewDense(2, WithActivation("sigmoid")), a)
	g.SetOutputs(d)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	x := NewTensor(1, 3)
	for _, tt := range []struct {
		from []string
		want string
	}{
		{[]string{a}, "FromLogits: the logits of " + a + " are the model's input"},
		{[]string{"nowhere"}, `From: "nowhere" is not a node of the graph`},
	} {
		g.Forward(x, false)
		dy := NewTensor(1, 3)
		if err := g.BackwardWith(BackwardOptions{From: tt.from, FromLogits: true, SkipWeights: true}, dy); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("From %v: %v, want %q", tt.from, err, tt.want)
		}
	}
	// The dense head's activation is restored after a FromLogits pass.
	g.Forward(x, false)
	if err := g.BackwardWith(BackwardOptions{FromLogits: true, SkipWeights: true}, NewTensor(1, 2)); err != nil {
		t.Fatal(err)
	}
	if act := layerAct(g.byName[d].base()); act == nil || *act == actLinear {
		t.Error("FromLogits left the head's activation linear")
	}
}
