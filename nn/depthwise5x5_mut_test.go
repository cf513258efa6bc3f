package nn

import (
	"math"
	"math/rand"
	"testing"
)

// dw5EdgeCases are strided 5×5 depthwise shapes (border pixels from window
// copies, not a band) at the borders' limits: a left pad of 3, so two
// left border pixels, the second not the first; an image one pixel wide
// with a left pad of 3, where no pixel is in the interior loop.
var dw5EdgeCases = []dwCase{
	{h: 9, w: 9, c: 16, sh: 2, sw: 2, pads: [4]int{2, 3, 2, 3}},
	{h: 7, w: 8, c: 5, sh: 2, sw: 2, pads: [4]int{1, 3, 2, 1}},
	{h: 5, w: 1, c: 16, sh: 2, sw: 2, pads: [4]int{2, 3, 2, 1}},
}

// TestDepthwise5x5Borders runs dw5EdgeCases at every kernel level this
// machine has (the fused 5×5 kernel where it applies, the general path at
// the AVX2 level) and compares each with the textbook convolution.
func TestDepthwise5x5Borders(t *testing.T) {
	runDwBorders(t, dw5EdgeCases, []string{"relu6"}, func(t *testing.T, d dwCase, act string, workers int) {
		checkDepthwise(t, d, 5, act, true, workers, func(*Conv2D) {})
	})
}

// TestDepthwise5x5Rebuilt runs a stride-1 5×5 layer (its rows copied into
// a band with zeros in the padding) on a wide image, then builds the same
// layer again for a narrower one: the band's rows move, and the padding
// columns of the new rows, where the wide rows' values were, must read as
// zeros. Compared with the textbook convolution at every kernel level.
func TestDepthwise5x5Rebuilt(t *testing.T) {
	for _, lv := range kernelLevels() {
		withKernelLevel(lv, func() {
			const h, c = 6, 16
			l := NewConv2D(c, 5, 5, WithGroups(c), WithPads(2, 2, 2, 2))
			l.setEngine(Engine{Workers: 1})
			rng := rand.New(rand.NewSource(8))
			for _, w := range []int{30, 7} {
				if _, err := l.Build([]int{h, w, c}); err != nil {
					t.Fatal(err)
				}
				fillUniform(l.kernel.Value, 1, rng)
				fillUniform(l.bias.Value, 1, rng)
				x := NewTensor(1, h, w, c)
				fillUniform(x.Data, 2, rng)
				y := NewTensor(1, h, w, c)
				l.Forward(y, x, false)
				want := naiveConv(x, l.kernel.Value, l.bias.Value, 5, 5, c, c, 1, 1, 1, 1, 2, 2, h, w)
				for i, v := range y.Data {
					if e := want.Data[i]; !(math.Abs(float64(v-e)) <= 1e-5*max(1, math.Abs(float64(e)))) {
						t.Fatalf("%s: width %d: y[%d] = %g, expected %g", lv.name, w, i, v, e)
					}
				}
			}
		})
	}
}
