package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// TestPackedRowsResNet18 checks that every node of a 224×224 ResNet-18
// (packed kernels) is bit for bit the same with gemmPackedRow's next-block
// prefetches, junk-row skipping and packed 128-filter strided kernels as
// with plain sgemm.GemmPacked (and GemmOverlap), on 1 and 2 workers: the
// 7×7 and 14×14 maps take GemmPackedRows, the strided and im2col layers
// GemmPackedNext.
func TestPackedRowsResNet18(t *testing.T) {
	if testing.Short() {
		t.Skip("a full-size ResNet-18")
	}
	defer func(p, j, a bool) { prefetchNext, skipJunk, packAt4 = p, j, a }(prefetchNext, skipJunk, packAt4)
	g := resNet18(t, false)
	x := NewTensor(1, 224, 224, 3)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(8)))
	for _, w := range []int{1, 2} {
		t.Run(fmt.Sprintf("workers=%d", w), func(t *testing.T) {
			g.SetEngine(Engine{PackWeights: true, Workers: w})
			prefetchNext, skipJunk, packAt4 = false, false, false
			want := forwardBits(g, x)
			prefetchNext, skipJunk, packAt4 = true, true, true
			got := forwardBits(g, x)
			for i, n := range g.order {
				for j := range want[i] {
					if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
						t.Fatalf("%s[%d] = %g, plain GemmPacked %g", n.name, j, got[i][j], want[i][j])
					}
				}
			}
		})
	}
}
