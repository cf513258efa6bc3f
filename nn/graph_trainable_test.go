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

// TestGraphFrozenMiddleGradients freezes a BatchNormalization between two
// trainable layers: the gradient flows through it in inference mode, and
// the lower convolution's kernel gradient matches central differences of
// the loss Σ r·y of a training Forward (frozen BN: moving statistics).
func TestGraphFrozenMiddleGradients(t *testing.T) {
	g := NewGraph([]int{5, 5, 2})
	a, _ := g.Add(NewConv2D(3, 3, 3, WithActivation("tanh")), GraphInput)
	b, _ := g.Add(NewBatchNormalization(), a)
	c, _ := g.Add(NewFlatten(), b)
	g.Add(NewDense(2, WithActivation("tanh")), c)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(5))
	for _, p := range g.Weights() {
		fillUniform(p.Value, 0.8, rng)
	}
	for _, p := range g.Weights() { // positive variances
		if p.Name == b+"/moving_variance" || p.Name == b+"/gamma" {
			for i := range p.Value {
				p.Value[i] = 0.5 + float32(i)*0.3
			}
		}
	}
	if err := g.SetTrainable(b, false); err != nil {
		t.Fatal(err)
	}
	x := NewTensor(3, 5, 5, 2)
	fillUniform(x.Data, 1, rng)
	r := NewTensor(3, 2)
	fillUniform(r.Data, 1, rng)
	loss := func() float64 {
		y := g.Forward(x, true)
		s := 0.0
		for i, v := range y.Data {
			s += float64(v) * float64(r.Data[i])
		}
		return s
	}
	loss()
	g.Backward(r)
	kernel := g.Params()[0]
	if kernel.Name != a+"/kernel" {
		t.Fatalf("first trainable tensor %s, expected %s/kernel", kernel.Name, a)
	}
	grad := slices.Clone(kernel.Grad)
	const h = 1e-2
	for _, i := range []int{0, 7, 20, len(kernel.Value) - 1} {
		v := kernel.Value[i]
		kernel.Value[i] = v + h
		up := loss()
		kernel.Value[i] = v - h
		down := loss()
		kernel.Value[i] = v
		num := (up - down) / (2 * h)
		if d := num - float64(grad[i]); d > 2e-3 || d < -2e-3 {
			t.Errorf("kernel[%d]: backward %v, central difference %v", i, grad[i], num)
		}
	}
}
