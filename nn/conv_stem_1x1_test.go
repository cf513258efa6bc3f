package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestConv1x1StridedMatchesIm2col checks the 1×1 strided path against
// im2col, bit for bit (the same products, row by row): ResNet's shortcut
// shapes (those with output rows of 14 pixels or more) and odd ones, strides 2 and 3 and unequal, batch 1 and 2, 1 and 2
// workers (row and column blocks), packed kernels or not, with and
// without bias, several activations; and that the path was taken.
func TestConv1x1StridedMatchesIm2col(t *testing.T) {
	for _, s := range []struct {
		h, w, cin, f, sh, sw, batch int
		act                         string
		bias                        bool
	}{
		{56, 56, 64, 128, 2, 2, 1, "linear", true},
		{28, 28, 128, 256, 2, 2, 1, "linear", true},
		{28, 29, 256, 512, 2, 2, 1, "relu", true},
		{29, 31, 24, 40, 2, 2, 2, "sigmoid", false},
		{17, 44, 16, 48, 3, 3, 1, "relu6", true},
		{9, 42, 8, 20, 2, 3, 2, "softmax", true},
	} {
		for _, workers := range []int{1, 2} {
			for _, pack := range []bool{false, true} {
				name := fmt.Sprintf("%dx%dx%d-%d/s%dx%d/n%d/%s/w%d/pack=%v", s.h, s.w, s.cin, s.f, s.sh, s.sw, s.batch, s.act, workers, pack)
				t.Run(name, func(t *testing.T) {
					c := NewConv2D(s.f, 1, 1, WithStrides(s.sh, s.sw), WithActivation(s.act), WithUseBias(s.bias))
					out, err := c.Build([]int{s.h, s.w, s.cin})
					if err != nil {
						t.Fatal(err)
					}
					rng := rand.New(rand.NewSource(9))
					c.Init(rng)
					if s.bias {
						fillUniform(c.bias.Value, 0.5, rng)
					}
					x := NewTensor(s.batch, s.h, s.w, s.cin)
					fillUniform(x.Data, 1, rng)
					want := NewTensor(append([]int{s.batch}, out...)...)
					got := NewTensor(want.Shape...)
					e := Engine{Workers: workers, PackWeights: pack}
					e.opts.strided1x1Off = true
					c.setEngine(e)
					c.Forward(want, x, false)
					e.opts.strided1x1Off = false
					c.setEngine(e)
					if !c.strided1x1OK() {
						t.Fatal("the 1×1 strided path is not taken")
					}
					if c.g.ow < strided1x1MinWidth {
						t.Fatalf("output rows of %d pixels", c.g.ow)
					}
					fillUniform(got.Data, 9, rng) // every value must be written
					c.Forward(got, x, false)
					for i := range want.Data {
						if math.Float32bits(got.Data[i]) != math.Float32bits(want.Data[i]) {
							t.Fatalf("y[%d] = %g, im2col %g", i, got.Data[i], want.Data[i])
						}
					}
				})
			}
		}
	}
}
