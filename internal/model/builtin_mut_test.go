package model

import (
	"errors"
	"testing"
)

// Each built-in model opens under its own label: the first (the default
// model) as the reference model, the others by name. A graph cannot be
// cloned as a Sequential.
func TestBuiltinLabels(t *testing.T) {
	for _, c := range []struct{ spec, label string }{
		{"builtin:shapes", "reference model (embedded weights)"},
		{"builtin:fashion", "built-in model fashion"},
	} {
		m, err := Open(c.spec)
		if err != nil {
			t.Fatal(err)
		}
		if m.Label != c.label {
			t.Errorf("%s: label %q, want %q", c.spec, m.Label, c.label)
		}
	}
	g, err := Open("../onnx/testdata/parity/resnet_folded.onnx")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.CloneNet(); !errors.Is(err, ErrNotSequential) {
		t.Errorf("CloneNet of a graph: %v, want ErrNotSequential", err)
	}
}
