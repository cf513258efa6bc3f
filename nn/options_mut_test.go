package nn

import (
	"fmt"
	"testing"
)

func TestApplyOptions(t *testing.T) {
	tests := []struct {
		name    string
		allowed optionSet
		opts    []Option
		want    string // error; "" for none
		act     string
	}{
		{"defaults", optActivation, nil, "", "linear"},
		{"nil option skipped", optActivation, []Option{nil, WithActivation("relu"), nil}, "", "relu"},
		{"name always allowed", 0, []Option{WithName("x")}, "", "linear"},
		{"one unexpected", optActivation | optStrides, []Option{WithPadding("same")},
			"K: unexpected option padding (K takes name, activation, strides)", ""},
		{"two unexpected", optStrides, []Option{WithEpsilon(1), WithActivation("relu"), WithStrides(2, 2)},
			"K: unexpected option activation, epsilon (K takes name, strides)", ""},
		{"last key", optMomentum, []Option{WithCeilMode(true)}, "K: unexpected option ceil_mode (K takes name, momentum)", ""},
	}
	for _, tt := range tests {
		o, err := applyOptions("K", options{activation: "linear", given: optPads}, tt.allowed, tt.opts)
		if fmt.Sprint(err) != tt.want && !(tt.want == "" && err == nil) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
		if err == nil && o.activation != tt.act {
			t.Errorf("%s: activation %q, want %q", tt.name, o.activation, tt.act)
		}
	}
}

func TestCheckHelpers(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"valid", checkPadding("K", "valid"), "<nil>"},
		{"same", checkPadding("K", "same"), "<nil>"},
		{"full", checkPadding("K", "full"), `K: expected padding "valid" or "same", received "full"`},
		{"zero pads", checkPads("K", "same", [4]int{}), "<nil>"},
		{"pads with valid", checkPads("K", "valid", [4]int{0, 1, 0, 0}), "<nil>"},
		{"pads with same", checkPads("K", "same", [4]int{0, 0, 0, 1}), `K: explicit pads go with padding "valid", received padding "same"`},
		{"negative top", checkPads("K", "valid", [4]int{-1, 0, 0, 0}), "K: expected non-negative pads, received [-1 0 0 0]"},
		{"negative left", checkPads("K", "valid", [4]int{0, -1, 0, 0}), "K: expected non-negative pads, received [0 -1 0 0]"},
		{"negative bottom", checkPads("K", "valid", [4]int{0, 0, -1, 0}), "K: expected non-negative pads, received [0 0 -1 0]"},
		{"negative right", checkPads("K", "valid", [4]int{0, 0, 0, -1}), "K: expected non-negative pads, received [0 0 0 -1]"},
		{"pair", checkPair("K", "strides", [2]int{1, 1}), "<nil>"},
		{"pair height 0", checkPair("K", "strides", [2]int{0, 1}), "K: expected positive strides, received (0, 1)"},
		{"pair width 0", checkPair("K", "kernel size", [2]int{1, 0}), "K: expected positive kernel size, received (1, 0)"},
		{"image", checkImage("K", []int{1, 2, 3}), "<nil>"},
		{"not an image", checkImage("K", []int{6}), "K: expected input of rank 3 (height, width, channels), received (6,)"},
		{"rank 4", checkImage("K", []int{1, 1, 1, 1}), "K: expected input of rank 3 (height, width, channels), received (1, 1, 1, 1)"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(tt.err); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestCheckTensor(t *testing.T) {
	tests := []struct {
		name string
		t    *Tensor
		want string // panic; "" for none
	}{
		{"ok", NewTensor(2, 3, 4), ""},
		{"nil", nil, "nn: K: expected input of shape (2, 3, 4), received nil"},
		{"rank", NewTensor(2, 12), "nn: K: expected input of shape (2, 3, 4), received (2, 12)"},
		{"batch", NewTensor(1, 3, 4), "nn: K: expected input of shape (2, 3, 4), received (1, 3, 4)"},
		{"shape", NewTensor(2, 4, 3), "nn: K: expected input of shape (2, 3, 4), received (2, 4, 3)"},
		{"data", &Tensor{Shape: []int{2, 3, 4}, Data: make([]float32, 23)}, "nn: K: expected input of shape (2, 3, 4), received (2, 3, 4)"},
		{"more data", &Tensor{Shape: []int{2, 3, 4}, Data: make([]float32, 48)}, "nn: K: expected input of shape (2, 3, 4), received (2, 3, 4)"},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				if r := recover(); fmt.Sprint(r) != tt.want && !(tt.want == "" && r == nil) {
					t.Errorf("%s: panic %v, want %q", tt.name, r, tt.want)
				}
			}()
			checkTensor("K", "input", tt.t, 2, []int{3, 4})
		}()
	}
}
