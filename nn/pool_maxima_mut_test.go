package nn

import (
	"math/rand"
	"testing"
)

// TestPoolMaximaBlocks checks PoolMaxima on a convolution and 2×2 max
// pooling that are the model's first two layers (the pooling is layer 1),
// with pooled rows of 15, 16, 17 and 33 positions (valid padding: the direct path, which fuses): ⌈pw/16⌉ blocks, a
// first-pass slice of exactly (n, rows, blocks, channels) values, each the
// maximum of its block of the pooled output; no maxima for layer 0 or past
// the last layer.
func TestPoolMaximaBlocks(t *testing.T) {
	for _, tt := range []struct{ w, blocks int }{{32, 1}, {34, 1}, {36, 2}, {68, 3}} {
		m, err := NewSequential([]int{6, tt.w, 2}, NewConv2D(3, 3, 3, WithPadding("valid")), NewMaxPooling2D(2, 2))
		if err != nil {
			t.Fatal(err)
		}
		m.Init(5)
		m.SetPoolMaxima(true)
		x := NewTensor(2, 6, tt.w, 2)
		rng := rand.New(rand.NewSource(int64(tt.w)))
		for i := range x.Data {
			x.Data[i] = rng.Float32()*2 - 1
		}
		m.Forward(x, false)
		mx, nb, ok := m.PoolMaxima(1)
		if !ok {
			t.Fatalf("width %d: no maxima for the pooling at layer 1", tt.w)
		}
		y := m.Outputs()[1]
		n, h, w, c := y.Shape[0], y.Shape[1], y.Shape[2], y.Shape[3]
		if nb != tt.blocks || len(mx) != n*h*nb*c {
			t.Fatalf("width %d: %d blocks, %d values; expected %d blocks, %d values", tt.w, nb, len(mx), tt.blocks, n*h*tt.blocks*c)
		}
		for s := range n {
			for r := range h {
				for b := range nb {
					for ch := range c {
						want := y.Data[((s*h+r)*w+b*PoolMaxBlock)*c+ch]
						for q := b * PoolMaxBlock; q < min((b+1)*PoolMaxBlock, w); q++ {
							want = max(want, y.Data[((s*h+r)*w+q)*c+ch])
						}
						if got := mx[((s*h+r)*nb+b)*c+ch]; got != want {
							t.Fatalf("width %d: sample %d row %d block %d channel %d: %g, expected %g", tt.w, s, r, b, ch, got, want)
						}
					}
				}
			}
		}
		for _, i := range []int{0, 2, -1} {
			if _, _, ok := m.PoolMaxima(i); ok {
				t.Errorf("width %d: maxima for layer %d", tt.w, i)
			}
		}
	}
}
