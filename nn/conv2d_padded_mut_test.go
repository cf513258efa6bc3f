package nn

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestConv2DPaddedBatchChange runs one layer on the padded direct path
// (and, for comparison, the same weights on the im2col path) over batches
// of 2, 3, 1 and 3 in turn: the padded input and input-gradient buffers
// are remade when the batch size changes, and every output, kernel and
// bias gradient and input gradient equals the im2col path's. Asymmetric
// pads and a tanh make every border and the activation's gradient count.
func TestConv2DPaddedBatchChange(t *testing.T) {
	for _, pads := range [][4]int{{1, 2, 0, 1}, {0, 0, 2, 1}} {
		build := func(path string) *Conv2D {
			l := NewConv2D(5, 3, 2, WithPads(pads[0], pads[1], pads[2], pads[3]), WithActivation("tanh"))
			l.setEngine(testEngine(2, 8, path))
			if _, err := l.Build([]int{6, 5, 3}); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewSource(11))
			fillUniform(l.kernel.Value, 0.5, rng)
			fillUniform(l.bias.Value, 0.5, rng)
			return l
		}
		got, ref := build(""), build("im2col")
		if !got.paddedDirect() || ref.paddedDirect() {
			t.Fatalf("pads %v: paths %v and %v, expected the padded direct path and im2col", pads, got.paddedDirect(), ref.paddedDirect())
		}
		for step, n := range []int{2, 3, 1, 3} {
			name := fmt.Sprintf("pads %v, step %d (batch %d)", pads, step, n)
			rng := rand.New(rand.NewSource(int64(20 + step)))
			x := NewTensor(n, 6, 5, 3)
			fillUniform(x.Data, 1, rng)
			oh, ow := got.g.oh, got.g.ow
			y, yr := NewTensor(n, oh, ow, 5), NewTensor(n, oh, ow, 5)
			got.Forward(y, x, true)
			ref.Forward(yr, x, true)
			if d := maxRelDiff(y.Data, yr.Data); d > 1e-5 {
				t.Fatalf("%s: output differs from im2col's by %g", name, d)
			}
			dy := NewTensor(n, oh, ow, 5)
			fillUniform(dy.Data, 1, rng)
			dx, dxr := NewTensor(x.Shape...), NewTensor(x.Shape...)
			for i := range dx.Data {
				dx.Data[i] = 7 // written, not added to
			}
			clear(got.kernel.Grad)
			clear(got.bias.Grad)
			clear(ref.kernel.Grad)
			clear(ref.bias.Grad)
			got.Backward(dx, dy, x, y)
			ref.Backward(dxr, dy, x, yr)
			for _, c := range []struct {
				what      string
				got, want []float32
			}{{"input gradient", dx.Data, dxr.Data}, {"kernel gradient", got.kernel.Grad, ref.kernel.Grad}, {"bias gradient", got.bias.Grad, ref.bias.Grad}} {
				if d := maxRelDiff(c.got, c.want); d > 1e-5 {
					t.Fatalf("%s: %s differs from im2col's by %g", name, c.what, d)
				}
			}
		}
	}
}
