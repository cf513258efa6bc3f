package nn

import (
	"math/rand"
	"testing"
)

// TestStemPoolNarrowMap: a 3×3/2 max pooling over a convolution output
// only 2 columns wide, unpadded on the left and padded by one on the
// right: its single window reaches into the padding, so no column may take
// the 3-wide kernel (pool3Cols: w + pl < 3 gives b = a; computing b there
// would give (2 - 3)/2 + 1 = 1, truncated towards zero, and the kernel
// would read a third column past the row). Predict's fused pass must give
// Forward's output bit for bit.
func TestStemPoolNarrowMap(t *testing.T) {
	if !useSIMD || !useStemAVX512 {
		t.Skip("no AVX-512: the stem kernel and the 3×3 pool path are off")
	}
	for _, h := range []int{6, 9} {
		g := stemPoolNet(t, h, 2, 16, 1, 1, 0, 2, [4]int{0, 0, 1, 1}, "relu", true, false)
		if a, b := pool3Cols(&g.order[1].layer.(*MaxPooling2D).g); a != 0 || b != 0 {
			t.Fatalf("pool3Cols = %d, %d, expected 0, 0", a, b)
		}
		for _, workers := range []int{1, 2} {
			g.SetEngine(Engine{Workers: workers, PackWeights: true})
			x := NewTensor(2, h, 2, 3)
			fillUniform(x.Data, 1, rand.New(rand.NewSource(int64(h))))
			want := forwardBits(g, x)
			got := g.Predict(x)
			if !g.order[0].leanRan {
				t.Fatal("not fused")
			}
			if !bitEqual(got.Data, want[len(want)-1]) {
				t.Fatalf("h=%d workers=%d: Predict's output differs from Forward's", h, workers)
			}
		}
	}
}
