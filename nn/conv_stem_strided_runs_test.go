package nn

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestStridedRunsMatch checks that the strided path's products over the
// runs of output pixels alone (gemmPackedRuns: pair tiles, no junk row)
// give every output bit for bit as the products over all rows, on
// ResNet-18's 56→28 and 28→14 shapes and odd ones (stride 3, widths whose
// runs are not a multiple of 7), row blocks and column blocks (1 and 2
// workers), batch 1 and 2.
func TestStridedRunsMatch(t *testing.T) {
	defer func(v bool) { stridedRuns = v }(stridedRuns)
	for _, tc := range []struct{ h, w, cin, f, s int }{
		{56, 56, 64, 128, 2}, {28, 28, 128, 256, 2}, {29, 23, 32, 128, 2}, {31, 40, 16, 64, 3},
	} {
		for _, n := range []int{1, 2} {
			for _, workers := range []int{1, 2} {
				name := fmt.Sprintf("%dx%dx%d→%d/s%d/n%d/w%d", tc.h, tc.w, tc.cin, tc.f, tc.s, n, workers)
				l := NewConv2D(tc.f, 3, 3, WithStrides(tc.s, tc.s), WithPads(1, 1, 1, 1), WithActivation("relu"))
				out, err := l.Build([]int{tc.h, tc.w, tc.cin})
				if err != nil {
					t.Fatal(err)
				}
				rng := rand.New(rand.NewSource(int64(tc.h + n)))
				fillUniform(l.kernel.Value, 1, rng)
				fillUniform(l.bias.Value, 1, rng)
				x := NewTensor(n, tc.h, tc.w, tc.cin)
				fillUniform(x.Data, 1, rng)
				l.setEngine(Engine{Workers: workers, PackWeights: true})
				want, got := NewTensor(append([]int{n}, out...)...), NewTensor(append([]int{n}, out...)...)
				stridedRuns = false
				l.Forward(want, x, false)
				stridedRuns = true
				l.Forward(got, x, false)
				if !l.stridedOK() {
					t.Fatalf("%s: not on the strided path", name)
				}
				if !bitEqual(got.Data, want.Data) {
					t.Fatalf("%s: outputs differ with the runs' products", name)
				}
			}
		}
	}
}
