package nn

import (
	"math"
	"math/rand"
	"testing"
)

// smallExplainModel is a convnet with the reference model's structure in
// miniature: conv+pool pairs that run fused, Flatten, Dense relu, and the
// given output layers.
func smallExplainModel(t *testing.T, out ...Layer) *Sequential {
	t.Helper()
	layers := []Layer{
		NewConv2D(4, 3, 3, WithActivation("relu")), NewMaxPooling2D(2, 2),
		NewConv2D(6, 3, 3, WithActivation("relu")), NewMaxPooling2D(2, 2),
		NewFlatten(), NewDense(8, WithActivation("relu")),
	}
	m, err := NewSequential([]int{14, 14, 2}, append(layers, out...)...)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(3))
	for _, p := range m.Params() {
		fillUniform(p.Value, 0.6, rng)
	}
	return m
}

func randomInput(shape []int, seed int64) *Tensor {
	x := NewTensor(shape...)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(seed)))
	return x
}

// logitOf returns output unit k's pre-activation for sample n.
func logitOf(t *testing.T, m *Sequential, x *Tensor, n, k int) float64 {
	m.Forward(x, false)
	z, err := m.Logits()
	if err != nil {
		t.Fatal(err)
	}
	return float64(z.Sample(n)[k])
}

// TestBackwardWithInputGradient checks ∂logit/∂x against central
// differences for a sigmoid, a softmax Dense and a softmax Activation head,
// with and without weight gradients, and that SkipWeights leaves
// Param.Grad alone.
func TestBackwardWithInputGradient(t *testing.T) {
	heads := []struct {
		name string
		out  []Layer
		k    int
	}{
		{"sigmoid", []Layer{NewDense(1, WithActivation("sigmoid"))}, 0},
		{"softmax dense", []Layer{NewDense(3, WithActivation("softmax"))}, 2},
		{"softmax activation", []Layer{NewDense(3), NewActivation("softmax")}, 1},
		{"softmax layer", []Layer{NewDense(3), NewSoftmax()}, 0},
	}
	for k, h := range heads {
		for _, noParams := range []bool{false, true} {
			m := smallExplainModel(t, h.out...)
			if k%2 == 1 { // Conv2D's im2col path: weight gradients into spare buffers
				m.SetEngine(testEngine(2, 64, "im2col"))
			}
			x := randomInput([]int{2, 14, 14, 2}, 5)
			for _, p := range m.Params() {
				for i := range p.Grad {
					p.Grad[i] = 42
				}
			}
			m.Forward(x, false)
			dy := NewTensor(append([]int{2}, m.OutputShape()...)...)
			dy.Data[1*m.OutputShape()[0]+h.k] = 1 // sample 1 only
			if err := m.BackwardWith(BackwardOptions{FromLogits: true, SkipWeights: noParams, InputGrad: true}, dy); err != nil {
				t.Fatal(err)
			}
			g := m.Grad(InputName).Clone()
			for _, p := range m.Params() {
				if changed := p.Grad[0] != 42; changed == noParams {
					t.Errorf("%s: SkipWeights %v: %s gradient changed: %v", h.name, noParams, p.Name, changed)
				}
			}
			for i, v := range g.Sample(0) {
				if v != 0 {
					t.Fatalf("%s: sample 0 has gradient %g at %d, expected 0", h.name, v, i)
				}
			}
			const eps = 1e-2
			for _, i := range []int{392, 400, 433, 500, 601, 777} {
				old := x.Data[i]
				x.Data[i] = old + eps
				up := logitOf(t, m, x, 1, h.k)
				x.Data[i] = old - eps
				down := logitOf(t, m, x, 1, h.k)
				x.Data[i] = old
				num := (up - down) / (2 * eps)
				got := float64(g.Data[i])
				if math.Abs(num-got) > 2e-3+1e-2*math.Abs(num) {
					t.Errorf("%s: d logit/dx[%d]: expected %.6g (central difference), received %.6g", h.name, i, num, got)
				}
			}
		}
	}
}

// TestBackwardWithStopAtFusedConv checks that stopping at a convolution
// that runs fused with its pooling delivers the convolution's output
// gradient, equal to an unfused pass's, and that the pass stops there.
func TestBackwardWithStopAtFusedConv(t *testing.T) {
	grads := map[bool][]float32{}
	for _, fuse := range []bool{true, false} {
		func() {
			m := smallExplainModel(t, NewDense(1, WithActivation("sigmoid")))
			e := m.Engine()
			e.opts.fuseOff = !fuse
			m.SetEngine(e)
			if f, _ := m.fused(2); (f != nil) != fuse {
				t.Fatalf("fused(conv2d_2) = %v, expected %v", f != nil, fuse)
			}
			x := randomInput([]int{1, 14, 14, 2}, 9)
			m.Forward(x, false)
			dy := NewTensor(1, 1)
			dy.Data[0] = -1
			if err := m.BackwardWith(BackwardOptions{FromLogits: true, SkipWeights: true, StopAt: "conv2d_2"}, dy); err != nil {
				t.Fatal(err)
			}
			g := m.Grad("conv2d_2")
			if g == nil {
				t.Fatal("no gradient for conv2d_2")
			}
			if m.Grad(InputName) != nil || m.Grad("max_pooling2d_1") != nil {
				t.Error("the pass went below conv2d_2")
			}
			if m.Grad("max_pooling2d_2") == nil {
				t.Error("no gradient for max_pooling2d_2")
			}
			grads[fuse] = append([]float32(nil), g.Data...)
		}()
	}
	nonzero := 0
	for i, v := range grads[true] {
		if v != grads[false][i] {
			t.Fatalf("conv2d_2 gradient %d: fused path %g, unfused %g", i, v, grads[false][i])
		}
		if v != 0 {
			nonzero++
		}
	}
	if nonzero == 0 {
		t.Error("conv2d_2's gradient is all zero")
	}
}

// TestBackwardWithGuided checks the guided rule on Dense(relu) → Dense:
// dx = W1 · (max(W2·dy, 0) ⊙ [y1 > 0]).
func TestBackwardWithGuided(t *testing.T) {
	m, err := NewSequential([]int{5}, NewDense(7, WithActivation("relu")), NewDense(2, WithActivation("sigmoid")))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(4))
	for _, p := range m.Params() {
		fillUniform(p.Value, 1, rng)
	}
	x := randomInput([]int{1, 5}, 2)
	m.Forward(x, false)
	dy := NewTensor(1, 2)
	dy.Data[1] = 1
	if err := m.BackwardWith(BackwardOptions{FromLogits: true, SkipWeights: true, Guided: true, InputGrad: true}, dy); err != nil {
		t.Fatal(err)
	}
	if dy.Data[0] != 0 || dy.Data[1] != 1 {
		t.Fatal("BackwardWith changed the caller's dy")
	}
	w1, w2 := m.Params()[0].Value, m.Params()[2].Value
	y1 := m.Outputs()[0].Data
	var pos, neg int
	dz := make([]float64, 7)
	for j := range dz {
		d := float64(w2[j*2+1])
		if d < 0 && y1[j] > 0 {
			neg++
		}
		if d > 0 && y1[j] > 0 {
			pos++
			dz[j] = d
		}
	}
	if pos == 0 || neg == 0 {
		t.Fatalf("test weights do not exercise the rule (%d positive, %d negative live units)", pos, neg)
	}
	got := m.Grad(InputName).Data
	for i := 0; i < 5; i++ {
		var want float64
		for j := range dz {
			want += float64(w1[i*7+j]) * dz[j]
		}
		if math.Abs(want-float64(got[i])) > 1e-5 {
			t.Errorf("guided dx[%d]: expected %.6g, received %.6g", i, want, got[i])
		}
	}
}

func TestBackwardWithErrors(t *testing.T) {
	m := smallExplainModel(t, NewDense(1, WithActivation("sigmoid")))
	m.Forward(randomInput([]int{1, 14, 14, 2}, 1), false)
	dy := NewTensor(1, 1)
	if err := m.BackwardWith(BackwardOptions{StopAt: "conv9"}, dy); err == nil {
		t.Error("unknown StopAt: no error")
	}
	for _, o := range []BackwardOptions{{From: []string{"nope"}}, {StopAt: "conv2d_1", InputGrad: true},
		{From: []string{"conv2d_1"}, StopAt: "dense_1"}, {From: []string{"flatten_1"}, FromLogits: true}} {
		if err := m.BackwardWith(o, dy); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if err := m.BackwardWith(BackwardOptions{}, dy, dy); err == nil {
		t.Error("two gradients: no error")
	}
	if err := m.BackwardWith(BackwardOptions{}, NewTensor(1, 2)); err == nil {
		t.Error("wrong shape: no error")
	}
	if m.Grad("nope") != nil || m.Output("nope") != nil {
		t.Error("unknown names give tensors")
	}
	if m.Output(InputName) == nil || m.Output("dense_2") == nil {
		t.Error("Output misses known names")
	}
}
