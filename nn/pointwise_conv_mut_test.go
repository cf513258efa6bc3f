package nn

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/convscope/convscope/nn/sgemm"
)

// TestPointwiseReadsPackedKernel checks that the 1×1 path with
// Engine.PackWeights multiplies with its packed copy of the kernel
// (packKernel: made once, kept while current): a write to Param.Value
// without WeightsChanged leaves the output as it was, and after
// WeightsChanged the output follows it. Go and AVX-512 tiles, one and two
// workers.
func TestPointwiseReadsPackedKernel(t *testing.T) {
	nr := sgemm.PanelWidth()
	f := (5*nr + 15) / 16 * 16 // five panels or more, a multiple of 16
	tiles := []bool{true}
	if useStemAVX512 {
		tiles = append(tiles, false)
	}
	for _, stemGo := range tiles {
		for _, workers := range []int{1, 2} {
			name := fmt.Sprintf("stemGo=%v/workers=%d", stemGo, workers)
			l := NewConv2D(f, 1, 1, WithActivation("relu6"))
			e := Engine{Workers: workers, PackWeights: true}
			e.opts.stemGo = stemGo
			l.setEngine(e)
			if _, err := l.Build([]int{12, 13, 24}); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewSource(4))
			fillUniform(l.kernel.Value, 0.5, rng)
			fillUniform(l.bias.Value, 0.5, rng)
			if !l.pointwiseOK() || !l.usePacked(false) {
				t.Fatalf("%s: 1×1 path %v, packed %v; expected both", name, l.pointwiseOK(), l.usePacked(false))
			}
			x := NewTensor(1, 12, 13, 24)
			fillUniform(x.Data, 2, rng)
			want, got := NewTensor(1, 12, 13, f), NewTensor(1, 12, 13, f)
			l.Forward(want, x, false)
			if !l.pw.packed || len(l.pw.kp) != 24*f {
				t.Fatalf("%s: packed %v, %d packed values; expected %d", name, l.pw.packed, len(l.pw.kp), 24*f)
			}
			clear(l.kernel.Value) // not announced: the packed copy stays
			l.Forward(got, x, false)
			for i := range want.Data {
				if got.Data[i] != want.Data[i] {
					t.Fatalf("%s: output %d = %g after an unannounced kernel change, expected %g (the packed kernel's)", name, i, got.Data[i], want.Data[i])
				}
			}
			l.weightsChanged()
			l.Forward(got, x, false)
			for i, v := range got.Data {
				if b := min(max(l.bias.Value[i%f], 0), 6); v != b {
					t.Fatalf("%s: output %d = %g with a zero kernel after WeightsChanged, expected relu6(bias) %g", name, i, v, b)
				}
			}
		}
	}
}
