package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestDepthwise3x3TileSizes runs the fused 3×3 depthwise kernel with the
// network's tiles (dw3x3Tile) and with 64-pixel tiles (dwTilePixels): a
// tile only groups output pixels per call, each value's sum runs in the
// same order, so the outputs must agree bit for bit (strides 1 and 2,
// rows that are and are not whole tiles, channels that are not a multiple
// of 16).
func TestDepthwise3x3TileSizes(t *testing.T) {
	for _, s := range []struct{ h, w, c, stride int }{{9, 23, 32, 1}, {12, 70, 24, 2}, {5, 5, 40, 1}, {14, 14, 96, 2}} {
		t.Run(fmt.Sprintf("%dx%dx%d/s%d", s.h, s.w, s.c, s.stride), func(t *testing.T) {
			l := NewConv2D(s.c, 3, 3, WithGroups(s.c), WithStrides(s.stride, s.stride), WithActivation("relu6"), WithPads(1, 1, 1, 1))
			out, err := l.Build([]int{s.h, s.w, s.c})
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewSource(3))
			fillUniform(l.kernel.Value, 1, rng)
			fillUniform(l.bias.Value, 1, rng)
			x := NewTensor(1, s.h, s.w, s.c)
			fillUniform(x.Data, 3, rng)
			l.setEngine(Engine{Workers: 1})
			l.prepareDepthwise()
			run := func(tile int) []float32 {
				defer func(old int) { dw3x3Tile = old }(dw3x3Tile)
				dw3x3Tile = tile
				y := make([]float32, out[0]*out[1]*out[2])
				if !l.depthwise3x3(y, x.Data, 0, out[0], 0) {
					t.Fatal("the layer did not take the fused kernel")
				}
				return y
			}
			want, got := run(dwTilePixels), run(4)
			for i := range want {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
					t.Fatalf("value %d: %v with 4-pixel tiles, %v with %d", i, got[i], want[i], dwTilePixels)
				}
			}
		})
	}
}
