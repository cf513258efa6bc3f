package nn

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
)

func TestConvPoolFusedMatchesSeparate(t *testing.T) {
	// Sequential fuses each direct Conv2D with the 2×2 MaxPooling2D after
	// it. Outputs must be identical and gradients agree with the separate
	// passes, for odd and even sizes, whole images and images split into
	// row ranges (batch 1), one to three workers, and small row blocks.
	build := func() *Sequential {
		m, err := NewSequential([]int{19, 14, 3},
			NewConv2D(8, 3, 3, WithActivation("relu")),  // 17×12: odd height, last row not pooled
			NewMaxPooling2D(2, 2),                       // 8×6
			NewConv2D(16, 2, 2, WithActivation("tanh")), // 7×5: odd both ways
			NewMaxPooling2D(2, 2),                       // 3×2
			NewFlatten(),
			NewDense(3, WithActivation("softmax")),
		)
		if err != nil {
			t.Fatal(err)
		}
		m.Init(3)
		for _, p := range m.Params() {
			if len(p.Shape) == 1 {
				fillUniform(p.Value, 0.2, rand.New(rand.NewSource(int64(len(p.Value)))))
			}
		}
		return m
	}
	run := func(fuse bool, w, batch, pixels int, training bool) (outs []*Tensor, grads [][]float32) {
		m := build()
		e := testEngine(w, pixels, "")
		e.opts.fuseOff = !fuse
		m.SetEngine(e)
		if f, _ := m.fused(0); (f != nil) != fuse {
			t.Fatalf("fused(0) = %v, want fusion %v", f, fuse)
		}
		x := NewTensor(batch, 19, 14, 3)
		fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
		y := m.Forward(x, training) // without training, no window codes: Backward compares y with yp
		dy := NewTensor(y.Shape...)
		fillUniform(dy.Data, 1, rand.New(rand.NewSource(4)))
		m.Backward(dy)
		for _, o := range m.Outputs() {
			outs = append(outs, o.Clone())
		}
		for _, p := range m.Params() {
			grads = append(grads, slices.Clone(p.Grad))
		}
		return
	}
	for _, batch := range []int{1, 3} {
		for _, w := range []int{1, 2, 3} {
			for _, pixels := range []int{256, 13} {
				name := fmt.Sprintf("batch=%d/workers=%d/pixels=%d", batch, w, pixels)
				o1, g1 := run(false, w, batch, pixels, true)
				for _, training := range []bool{true, false} {
					o2, g2 := run(true, w, batch, pixels, training)
					for i := range o1 {
						if !slices.Equal(o1[i].Data, o2[i].Data) {
							t.Errorf("%s/training=%v: output of layer %d differs", name, training, i)
						}
					}
					for i := range g1 {
						if d := maxRelDiff(g2[i], g1[i]); d > 1e-5 {
							t.Errorf("%s/training=%v: gradient %d differs by %g", name, training, i, d)
						}
					}
				}
			}
		}
	}
}

func TestConvPoolFusedSkipsGradient(t *testing.T) {
	// The reference model fuses all four conv/pool pairs: Backward never
	// allocates a gradient for the convolutions' outputs.
	m, err := ReferenceModel()
	if err != nil {
		t.Fatal(err)
	}
	x := NewTensor(1, 150, 150, 3)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(1)))
	y := m.Forward(x, true)
	m.Backward(NewTensor(y.Shape...))
	for i, l := range m.Layers() {
		if _, conv := l.(*Conv2D); conv && m.g.order[i].grad != nil {
			t.Errorf("layer %d (%s): output gradient allocated", i, l.Name())
		}
		if f, _ := m.fused(i); conv(l) && f == nil {
			t.Errorf("layer %d (%s): not fused", i, l.Name())
		}
	}
}

func conv(l Layer) bool { _, ok := l.(*Conv2D); return ok }

func TestFusedTrainingDoesNotAllocate(t *testing.T) {
	// The direct and fused paths (nn/sgemm, the default Engine):
	// after the first step, training steps and inference allocate nothing.
	m, err := NewSequential([]int{20, 18, 3},
		NewConv2D(8, 3, 3, WithActivation("relu")),
		NewMaxPooling2D(2, 2),
		NewConv2D(16, 3, 3, WithActivation("relu")),
		NewMaxPooling2D(2, 2),
		NewFlatten(),
		NewDense(8, WithActivation("relu")),
		NewDense(1, WithActivation("sigmoid")),
	)
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := m.fused(0); f == nil {
		t.Fatal("conv2d_1 and max_pooling2d_1 are not fused")
	}
	x, y := NewTensor(4, 20, 18, 3), NewTensor(4, 1)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(1)))
	y.Data[1], y.Data[3] = 1, 1
	tr := NewTrainer(m, BinaryCrossentropy{}, NewRMSprop(1e-3))
	tr.TrainBatch(x, y)
	if n := testing.AllocsPerRun(10, func() { tr.TrainBatch(x, y) }); n != 0 {
		t.Errorf("training step: %v allocations, want 0", n)
	}
	one := NewTensor(1, 20, 18, 3)
	m.Activations(one)
	if n := testing.AllocsPerRun(10, func() { m.Activations(one) }); n != 0 {
		t.Errorf("activations of one image: %v allocations, want 0", n)
	}
}

func TestConv2DStackedRows(t *testing.T) {
	// The direct path with stacked kernel rows (small kw·cin) gives the
	// maps of kh separate products, alone and fused with pooling, for one
	// image split into row blocks and for a batch, on 1 and 2 workers.
	for _, c := range []struct{ cin, kh, kw int }{{3, 3, 3}, {1, 3, 3}, {5, 2, 4}, {2, 5, 1}, {3, 3, 3}} {
		for _, batch := range []int{1, 2} {
			for _, w := range []int{1, 2} {
				run := func(stack bool) []*Tensor {
					m, err := NewSequential([]int{17, 13, c.cin},
						NewConv2D(8, c.kh, c.kw, WithActivation("relu")),
						NewMaxPooling2D(2, 2),
						NewConv2D(4, c.kh, c.kw, WithActivation("tanh")),
					)
					if err != nil {
						t.Fatal(err)
					}
					m.Init(5)
					fillUniform(m.Params()[1].Value, 0.3, rand.New(rand.NewSource(6)))
					e := testEngine(w, 40, "")
					e.opts.convStackOff = !stack
					m.SetEngine(e)
					if got := m.Layers()[0].(*Conv2D).stacked(); got != stack {
						t.Fatalf("stacked() = %v, want %v", got, stack)
					}
					x := NewTensor(batch, 17, 13, c.cin)
					fillUniform(x.Data, 1, rand.New(rand.NewSource(7)))
					var outs []*Tensor
					for _, o := range m.Activations(x) {
						outs = append(outs, o.Clone())
					}
					return outs
				}
				want, got := run(false), run(true)
				for i := range want {
					if d := maxRelDiff(got[i].Data, want[i].Data); d > 1e-5 {
						t.Errorf("cin=%d %dx%d batch=%d workers=%d layer %d: differs by %g", c.cin, c.kh, c.kw, batch, w, i, d)
					}
				}
			}
		}
	}
}
