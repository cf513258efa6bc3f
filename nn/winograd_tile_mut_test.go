package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestWinogradEdgeTiles runs the Winograd path on maps where tiles take
// inputRow's and outputRow's edge paths (windows that stick out of the
// image, copied zero-filled; output tiles that stick out of the output)
// rather than reading in place: images narrower or shorter than one input
// window (α = 4 or 6 columns; a window read in place there would run past
// the image's last row), one output column or row, pads on one side only,
// and compares them with a float64 convolution. Batch 2, so that the
// second image's data lies right after the first's.
func TestWinogradEdgeTiles(t *testing.T) {
	defer allTiles()()
	for _, tc := range []struct {
		m, h, w int
		opts    []Option
	}{
		{2, 4, 3, nil}, // 2×1 output, w + pl < α
		{2, 3, 4, nil}, // 1×2 output, h < α
		{2, 4, 4, nil}, // one tile, its window the whole image
		{2, 5, 3, []Option{WithPads(0, 1, 0, 0)}},
		{2, 3, 3, []Option{WithPadding("same")}},
		{4, 6, 5, nil}, // 4×3 output, w + pl < α
		{4, 5, 6, nil},
		{4, 6, 6, nil},
		{4, 7, 4, []Option{WithPads(0, 1, 0, 1)}},
		{4, 5, 5, []Option{WithPadding("same")}},
	} {
		name := fmt.Sprintf("F%d/%dx%d/%v", tc.m, tc.h, tc.w, len(tc.opts))
		c := NewConv2D(16, 3, 3, tc.opts...)
		out, err := c.Build([]int{tc.h, tc.w, 16})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewSource(int64(tc.h*10 + tc.w)))
		fillUniform(c.kernel.Value, 0.3, rng)
		fillUniform(c.bias.Value, 1, rng)
		e := Engine{Workers: 1}
		e.opts.winogradF4 = tc.m == 4
		c.setEngine(e)
		if got := c.winoTile(false); got != tc.m {
			t.Fatalf("%s: the layer takes F(%d), expected F(%d)", name, got, tc.m)
		}
		x := NewTensor(2, tc.h, tc.w, 16)
		fillUniform(x.Data, 1, rng)
		y := NewTensor(append([]int{2}, out...)...)
		for i := range y.Data {
			y.Data[i] = float32(math.NaN())
		}
		if p := winoPanics(func() { c.Forward(y, x, false) }); p {
			t.Errorf("%s: Forward panicked", name)
			continue
		}
		ref := conv3x3Ref64(x, c.kernel.Value, c.bias.Value, 16, c.g.pt, c.g.pl, c.g.oh, c.g.ow, actLinear)
		if e := maxRelErr(y.Data, ref); !(e <= winoTol[tc.m]) {
			t.Errorf("%s: error %.3g of the output's scale, expected ≤ %g", name, e, winoTol[tc.m])
		}
	}
}
