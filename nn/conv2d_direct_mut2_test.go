package nn

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/convscope/convscope/nn/sgemm"
)

// TestConv2DDirectReadsPackedKernel checks that an inference pass on the
// direct path with Engine.PackWeights multiplies with the packed copy of
// the kernel (conv2d_packed.go) and not with Param.Value: values written
// to Param.Value without WeightsChanged leave the output as it was, and
// after WeightsChanged the output follows them. The widths are ones
// nn/sgemm would pack on every call (a ragged panel, five panels).
func TestConv2DDirectReadsPackedKernel(t *testing.T) {
	nr := sgemm.PanelWidth()
	for _, tc := range []struct {
		name         string
		filters, cin int
	}{
		{"ragged panel", nr + 3, 16},
		{"five panels", 5 * nr, 12},
	} {
		l := NewConv2D(tc.filters, 3, 3)
		l.setEngine(Engine{Workers: 1, PackWeights: true})
		if _, err := l.Build([]int{7, 9, tc.cin}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		rng := rand.New(rand.NewSource(3))
		fillUniform(l.kernel.Value, 0.5, rng)
		fillUniform(l.bias.Value, 0.5, rng)
		if !l.direct() || l.stacked() || !l.usePacked(false) {
			t.Fatalf("%s: direct %v, stacked %v, packed %v; expected the packed direct path", tc.name, l.direct(), l.stacked(), l.usePacked(false))
		}
		x := NewTensor(1, 7, 9, tc.cin)
		fillUniform(x.Data, 1, rng)
		want, got := NewTensor(1, 5, 7, tc.filters), NewTensor(1, 5, 7, tc.filters)
		l.Forward(want, x, false)
		if len(l.packs) != 3 {
			t.Fatalf("%s: %d packed kernel rows, expected 3", tc.name, len(l.packs))
		}
		old := append([]float32(nil), l.kernel.Value...)
		clear(l.kernel.Value) // not announced: the packed copy stays
		l.Forward(got, x, false)
		for i := range want.Data {
			if got.Data[i] != want.Data[i] {
				t.Fatalf("%s: output %d = %g after an unannounced kernel change, expected %g (the packed kernel's)", tc.name, i, got.Data[i], want.Data[i])
			}
		}
		l.weightsChanged()
		l.Forward(got, x, false)
		for i, v := range got.Data {
			if b := l.bias.Value[i%tc.filters]; v != b {
				t.Fatalf("%s: output %d = %g with a zero kernel after WeightsChanged, expected the bias %g", tc.name, i, v, b)
			}
		}
		copy(l.kernel.Value, old)
	}
}

// TestConv2DDirectPooledNarrow runs the fused Conv2D + 2×2 max pooling's
// Backward on images narrower than two kernel widths with an odd output
// height: the last pooling window's second row is one row below the
// image, so dZ's buffer needs its spare row in full (pad + (h+1)·w
// pixels; a buffer 2·kw pixels short is enough for every unpooled layer
// but not here). The input gradient is compared with the textbook loops.
func TestConv2DDirectPooledNarrow(t *testing.T) {
	for _, tc := range []directCase{
		{name: "9x5", n: 2, h: 9, w: 5, cin: 3, filters: 4, kh: 3, kw: 3, workers: 1, pixels: 10, bias: true, relu: true, wantStacked: true},
		{name: "7x4", n: 1, h: 7, w: 4, cin: 12, filters: 3, kh: 3, kw: 3, workers: 1, pixels: 64, relu: true},
	} {
		for _, training := range []bool{true, false} {
			name := fmt.Sprintf("%s/training=%v", tc.name, training)
			l, p := tc.pooledLayers(t)
			r := tc.pooledPass(l, p, int64(tc.w), training)
			_, _, wx := naiveConvGrads(r.x, l.kernel.Value, r.dz, tc.kh, tc.kw)
			dx := NewTensor(r.x.Shape...)
			l.backwardPooled(dx, r.dyp, r.x, r.y, r.yp, p)
			if i := closeTo(dx.Data, wx, 1e-4); i >= 0 {
				t.Errorf("%s: input gradient [%d] = %g, expected %g", name, i, dx.Data[i], wx[i])
			}
		}
	}
}
