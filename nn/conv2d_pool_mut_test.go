package nn

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"
)

// fusedPair builds Conv2D(filters, k×k, relu) → MaxPooling2D(2, 2) on in,
// fused or not, with small random biases.
func fusedPair(t *testing.T, in []int, filters, k int, e Engine, fuse bool) (*Sequential, *Conv2D) {
	t.Helper()
	m, err := NewSequential(in, NewConv2D(filters, k, k, WithActivation("relu")), NewMaxPooling2D(2, 2))
	if err != nil {
		t.Fatal(err)
	}
	m.Init(5)
	fillUniform(m.Params()[1].Value, 0.2, rand.New(rand.NewSource(6)))
	e.opts.fuseOff = !fuse
	m.SetEngine(e)
	if f, _ := m.fused(0); (f != nil) != fuse {
		t.Fatalf("fused(0) = %v, expected fusion %v", f, fuse)
	}
	return m, m.Layers()[0].(*Conv2D)
}

// TestConvPoolFusedCodes pins the window codes of the fused forward pass:
// a training Forward records codeBytes(filters) bytes per pooled pixel
// (and marks them valid), which Backward then reads (it sizes its per-slot
// pooled-gradient buffers only on that path); an inference Forward records
// none, and Backward finds the maxima by comparing y with yp. Both give the
// unfused gradients.
func TestConvPoolFusedCodes(t *testing.T) {
	for _, tc := range []struct {
		in      []int
		filters int
	}{
		{[]int{11, 10, 3}, 8},  // 9×8 → 4×4, one code pair per pixel
		{[]int{10, 13, 2}, 20}, // 8×11 → 4×5, 20 channels: 3 code pairs
	} {
		for _, training := range []bool{true, false} {
			name := fmt.Sprintf("%v→%d/training=%v", tc.in, tc.filters, training)
			e := testEngine(2, 16, "")
			ref, _ := fusedPair(t, tc.in, tc.filters, 3, e, false)
			m, c := fusedPair(t, tc.in, tc.filters, 3, e, true)
			x := NewTensor(append([]int{2}, tc.in...)...)
			fillUniform(x.Data, 1, rand.New(rand.NewSource(7)))
			want := ref.Forward(x, true).Clone()
			y := m.Forward(x, training)
			if !slices.Equal(y.Data, want.Data) {
				t.Fatalf("%s: fused output differs", name)
			}
			ph, pw := c.g.oh/2, c.g.ow/2
			if c.codesValid != training {
				t.Errorf("%s: codesValid = %v", name, c.codesValid)
			}
			if training {
				if size := 2 * ph * pw * codeBytes(tc.filters); len(c.codes) != size {
					t.Errorf("%s: %d code bytes, expected %d", name, len(c.codes), size)
				}
			}
			dy := NewTensor(y.Shape...)
			fillUniform(dy.Data, 1, rand.New(rand.NewSource(8)))
			ref.Backward(dy)
			m.Backward(dy)
			if usedCodes := len(c.gp) > 0; usedCodes != training {
				t.Errorf("%s: Backward read the codes: %v, expected %v", name, usedCodes, training)
			}
			for i, p := range m.Params() {
				if d := maxRelDiff(p.Grad, ref.Params()[i].Grad); d > 1e-5 {
					t.Errorf("%s: gradient of %s differs by %g", name, p.Name, d)
				}
			}
		}
	}
}

// TestConvPoolFusedRowPairs runs the fused pass with work items of one
// output row (a 1×1 convolution and 1-pixel blocks, one worker and two):
// forwardPooled rounds an odd row count up to whole row pairs (here 1 →
// 2), and the outputs and gradients equal the unfused ones.
func TestConvPoolFusedRowPairs(t *testing.T) {
	for _, workers := range []int{1, 2} {
		for _, in := range [][]int{{7, 6, 3}, {8, 5, 2}} {
			name := fmt.Sprintf("%v/workers=%d", in, workers)
			e := testEngine(workers, 1, "")
			ref, _ := fusedPair(t, in, 8, 1, e, false)
			m, c := fusedPair(t, in, 8, 1, e, true)
			x := NewTensor(append([]int{1}, in...)...)
			fillUniform(x.Data, 1, rand.New(rand.NewSource(9)))
			want := ref.Forward(x, true).Clone()
			y := m.Forward(x, true)
			if c.rows != 2 || c.blocks != (c.g.oh+1)/2 {
				t.Errorf("%s: %d rows × %d blocks, expected 2 × %d", name, c.rows, c.blocks, (c.g.oh+1)/2)
			}
			if !slices.Equal(y.Data, want.Data) {
				t.Fatalf("%s: fused output differs", name)
			}
			dy := NewTensor(y.Shape...)
			fillUniform(dy.Data, 1, rand.New(rand.NewSource(10)))
			ref.Backward(dy)
			m.Backward(dy)
			for i, p := range m.Params() {
				if d := maxRelDiff(p.Grad, ref.Params()[i].Grad); d > 1e-5 {
					t.Errorf("%s: gradient of %s differs by %g", name, p.Name, d)
				}
			}
		}
	}
}
