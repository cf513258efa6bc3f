package nn

import (
	"math/rand"
	"testing"
)

// TestWinogradFewTiles: SqueezeNet's 13×13 expand layers (49 tiles, small
// kernels) take the Winograd path at the default thresholds and stay within
// winoTol of a float64 convolution; ResNet-18's 14×14 layers (256→256:
// large transformed kernels) and 7×7 layers (16 tiles) keep the direct path.
func TestWinogradFewTiles(t *testing.T) {
	for _, tc := range []struct {
		h, cin, f int
		want      int // winoTile
	}{
		{13, 48, 192, 2},
		{13, 64, 256, 2},
		{14, 256, 256, 0},
		{7, 64, 64, 0},
		{12, 64, 64, 0}, // 36 tiles
	} {
		c := NewConv2D(tc.f, 3, 3, WithPads(1, 1, 1, 1), WithActivation("relu"))
		out, err := c.Build([]int{tc.h, tc.h, tc.cin})
		if err != nil {
			t.Fatal(err)
		}
		c.Init(rand.New(rand.NewSource(3)))
		fillUniform(c.bias.Value, 0.5, rand.New(rand.NewSource(4)))
		c.setEngine(Engine{PackWeights: true, Workers: 2})
		if got := c.winoTile(false); got != tc.want {
			t.Fatalf("%d×%d×%d→%d: winoTile %d, expected %d", tc.h, tc.h, tc.cin, tc.f, got, tc.want)
		}
		if tc.want == 0 {
			continue
		}
		x := NewTensor(1, tc.h, tc.h, tc.cin)
		fillUniform(x.Data, 1, rand.New(rand.NewSource(5)))
		y := NewTensor(append([]int{1}, out...)...)
		fillUniform(y.Data, 100, rand.New(rand.NewSource(6))) // every value must be written
		c.Forward(y, x, false)
		ref := conv3x3Ref64(x, c.kernel.Value, c.bias.Value, tc.f, 1, 1, tc.h, tc.h, c.act)
		if e := maxRelErr(y.Data, ref); e > winoTol[2] {
			t.Errorf("%d×%d×%d→%d: error %.3g of the output's scale, expected ≤ %g", tc.h, tc.h, tc.cin, tc.f, e, winoTol[2])
		}
	}
}
