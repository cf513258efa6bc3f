package model

import (
	"math"
	"testing"
)

// Softmax of large logits subtracts the largest first: no overflow to
// Inf (500 + 500) nor underflow to 0 (−1000 − 1000). Pinned:
// e⁰ / (e⁰ + e⁻¹) = 1 / (1 + e⁻¹) = 0.7310585786300049.
func TestClassProbabilitiesLargeLogits(t *testing.T) {
	m := &Model{Classes: []string{"a", "b", "c"}}
	for _, out := range [][]float32{{500, 499, -1}, {-500, -501, -1000}} {
		got := m.ClassProbabilities(out)
		want := []float64{0.7310585786300049, 0.2689414213699951, 0}
		for i, p := range got {
			if math.IsNaN(p.Prob) || math.Abs(p.Prob-want[p.Index]) > 1e-12 {
				t.Errorf("logits %v: class %d probability %v, want %v", out, p.Index, p.Prob, want[p.Index])
			}
			if i == 0 && p.Name != "a" {
				t.Errorf("logits %v: most probable %q, want a", out, p.Name)
			}
		}
	}
}

// A single output of exactly 0 or 1 is a probability (not a logit to put
// through the sigmoid): P(class 1) is that value.
func TestSingleOutputBounds(t *testing.T) {
	m := &Model{Classes: []string{"no", "yes"}}
	for _, c := range []struct {
		out    float32
		logits bool
		want   float64
	}{
		{0, false, 0}, {1, false, 1}, {0.25, false, 0.25},
		{-1, true, 0.2689414213699951}, {1.5, true, 0.8175744761936437},
	} {
		if got := m.IsLogits([]float32{c.out}); got != c.logits {
			t.Errorf("output %v: logits %v, want %v", c.out, got, c.logits)
		}
		for _, p := range m.ClassProbabilities([]float32{c.out}) {
			if p.Index == 1 && math.Abs(p.Prob-c.want) > 1e-12 {
				t.Errorf("output %v: P(yes) = %v, want %v", c.out, p.Prob, c.want)
			}
		}
	}
}

// Keras' usual loss for an output size.
func TestDefaultLoss(t *testing.T) {
	for n, want := range map[int]string{1: "binary_crossentropy", 2: "categorical_crossentropy", 10: "categorical_crossentropy"} {
		if got := DefaultLoss(n); got != want {
			t.Errorf("DefaultLoss(%d) = %q, want %q", n, got, want)
		}
	}
}
