package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestWinogradKernelLevels runs the Winograd path, F(2×2) and F(4×4), on
// every SIMD level of the machine: without AVX2 every tile transform runs
// in Go (winoInGo, winoOutGo, winoIn4Go, winoOut4Go for all channels, not
// only the tails past a multiple of 8 and layers without bias). Shapes:
// channels below, at and past 8, odd and even sizes, valid, same and
// asymmetric pads, three activations, with and without bias; compared
// with a float64 convolution (conv3x3Ref64).
func TestWinogradKernelLevels(t *testing.T) {
	defer allTiles()()
	for _, tc := range []struct {
		h, w, cin, f int
		opts         []Option
		n, workers   int
	}{
		{6, 7, 16, 16, nil, 1, 1},
		{7, 5, 20, 17, []Option{WithPadding("same"), WithActivation("relu")}, 2, 2},
		{9, 9, 33, 24, []Option{WithPads(2, 0, 1, 1), WithActivation("relu6")}, 1, 2},
		{5, 6, 16, 40, []Option{WithPads(1, 1, 1, 1), WithUseBias(false), WithActivation("relu6")}, 1, 1},
		{10, 10, 17, 16, []Option{WithPads(0, 1, 1, 0)}, 1, 2},
	} {
		for _, l := range kernelLevels() {
			for _, m := range []int{2, 4} {
				name := fmt.Sprintf("%s/F%d/%dx%dx%d-%d", l.name, m, tc.h, tc.w, tc.cin, tc.f)
				withKernelLevel(l, func() {
					c := NewConv2D(tc.f, 3, 3, tc.opts...)
					out, err := c.Build([]int{tc.h, tc.w, tc.cin})
					if err != nil {
						t.Fatal(err)
					}
					rng := rand.New(rand.NewSource(int64(tc.cin*100 + tc.f)))
					fillUniform(c.kernel.Value, 0.3, rng)
					var b []float32
					if c.bias != nil {
						fillUniform(c.bias.Value, 2, rng)
						b = c.bias.Value
					}
					e := Engine{Workers: tc.workers}
					e.opts.winogradF4 = m == 4
					c.setEngine(e)
					if got := c.winoTile(false); got != m {
						t.Fatalf("%s: the layer takes F(%d), expected F(%d)", name, got, m)
					}
					x := NewTensor(tc.n, tc.h, tc.w, tc.cin)
					fillUniform(x.Data, 2, rng)
					y := NewTensor(append([]int{tc.n}, out...)...)
					for i := range y.Data {
						y.Data[i] = float32(math.NaN()) // every value must be written
					}
					c.Forward(y, x, false)
					ref := conv3x3Ref64(x, c.kernel.Value, b, tc.f, c.g.pt, c.g.pl, c.g.oh, c.g.ow, c.act)
					if err := maxRelErr(y.Data, ref); !(err <= winoTol[m]) {
						t.Errorf("%s: error %.3g of the output's scale, expected ≤ %g", name, err, winoTol[m])
					}
					if c.act == actReLU6 {
						six := 0
						for _, v := range ref {
							if v == 6 {
								six++
							}
						}
						if six == 0 {
							t.Errorf("%s: no output reached 6; the test does not check the clamp", name)
						}
					}
				})
			}
		}
	}
}
