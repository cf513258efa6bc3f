package nn

import (
	"math/rand"
	"slices"
	"testing"
)

// TestGraphSetTrainable freezes the stem and the BatchNormalization of
// branchyGraph and trains: the frozen weights and moving statistics stay
// bit-for-bit, the others change, and Params leaves the frozen ones out.
func TestGraphSetTrainable(t *testing.T) {
	g := branchyGraph(t)
	all := len(g.Params())
	for _, name := range []string{"stem", "batch_normalization_1"} {
		if err := g.SetTrainable(name, false); err != nil {
			t.Fatal(err)
		}
	}
	if g.Trainable("stem") || !g.Trainable("head") || g.Trainable("nope") {
		t.Fatal("Trainable does not report SetTrainable's flags")
	}
	if got := len(g.Params()); got != all-4 {
		t.Fatalf("len(Params) = %d after freezing a conv and a BN, expected %d", got, all-4)
	}
	for _, p := range g.Params() {
		if p.Name == "stem/kernel" || p.Name == "batch_normalization_1/gamma" {
			t.Fatalf("frozen %s is in Params", p.Name)
		}
	}
	before := map[string][]float32{}
	for _, p := range g.Weights() {
		before[p.Name] = slices.Clone(p.Value)
	}
	rng := rand.New(rand.NewSource(3))
	x := NewTensor(4, 8, 8, 3)
	fillUniform(x.Data, 1, rng)
	dy := NewTensor(4, 3)
	fillUniform(dy.Data, 1, rng)
	opt := NewSGD(0.1)
	for range 3 {
		g.Forward(x, true)
		g.Backward(dy)
		opt.Step(g.Params())
	}
	for _, p := range g.Weights() {
		frozen := p.Name[:4] == "stem" || p.Name[:5] == "batch"
		same := slices.Equal(before[p.Name], p.Value)
		if frozen && !same {
			t.Errorf("frozen %s changed", p.Name)
		}
		if !frozen && same {
			t.Errorf("trainable %s did not change", p.Name)
		}
	}
	// A frozen BatchNormalization runs in inference mode in a training
	// Forward: the same output as an inference Forward.
	train := g.Forward(x, true).Clone()
	if err := g.SetTrainable("conv2d_1", false); err != nil { // no dropout: all else deterministic
		t.Fatal(err)
	}
	infer := g.Forward(x, false)
	if !slices.Equal(train.Data, infer.Data) {
		t.Error("a training Forward with the BN frozen differs from an inference Forward")
	}
	if err := g.SetTrainable("nope", true); err == nil {
		t.Error("SetTrainable of an unknown node: no error")
	}
	// Unfreezing gives the parameters back.
	for _, name := range []string{"stem", "batch_normalization_1", "conv2d_1"} {
		g.SetTrainable(name, true)
	}
	if got := len(g.Params()); got != all {
		t.Errorf("len(Params) = %d after unfreezing, expected %d", got, all)
	}
}
