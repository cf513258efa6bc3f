package nn

import (
	"math"
	"testing"
)

// TestCrossentropyGradAtClipBounds checks the gradient at a prediction
// exactly on a clip bound, ε = float32(1e-7) or 1-ε = 1-2⁻²³: it is not
// clipped there (the documented range is ε ≤ p ≤ 1-ε), so the gradient is
// the formula's, not 0. For the categorical losses q = p/Σp is exactly the
// bound because the three predictions sum to 1 exactly in float64.
func TestCrossentropyGradAtClipBounds(t *testing.T) {
	lo := float32(clipLo)
	hi := float32(clipHi)
	if float64(hi) != 1-math.Pow(2, -23) || float64(lo) != clipLo {
		t.Fatalf("clip bounds %g, %g", lo, hi)
	}
	two23 := float32(math.Pow(2, -23))
	t.Run("binary", func(t *testing.T) {
		pred := tensorOf([]int{2, 1}, lo, hi)
		target := tensorOf([]int{2, 1}, 1, 1)
		d := NewTensor(2, 1)
		BinaryCrossentropy{}.Grad(d, pred, target)
		for i, p := range pred.Data {
			want := -1 / float64(p) / 2 // -(y/p)/(n·k) with y = 1
			if !(math.Abs(float64(d.Data[i])-want) <= 1e-6*math.Abs(want)) {
				t.Errorf("grad at p = %.9g: %g, expected %g", p, d.Data[i], want)
			}
		}
	})
	cases := []struct {
		name string
		p    []float32
	}{
		{"q = ε", []float32{lo, 1 - two23, two23 - lo}}, // sums to exactly 1
		{"q = 1-ε", []float32{hi, two23, 0}},
	}
	for _, c := range cases {
		if s := sum64(c.p); s != 1 {
			t.Fatalf("%s: predictions sum to %.17g", c.name, s)
		}
		q := float64(c.p[0])
		// g_0 = -1/q, g_j = 0 elsewhere; dL/dp_i = (g_i - g_0·q)/(n·Σp) = (g_i + 1).
		want := []float64{-1/q + 1, 1, 1}
		pred := tensorOf([]int{1, 3}, c.p...)
		dc, ds := NewTensor(1, 3), NewTensor(1, 3)
		CategoricalCrossentropy{}.Grad(dc, pred, tensorOf([]int{1, 3}, 1, 0, 0))
		SparseCategoricalCrossentropy{}.Grad(ds, pred, tensorOf([]int{1, 1}, 0))
		for i, w := range want {
			if !(math.Abs(float64(dc.Data[i])-w) <= 1e-6*math.Abs(w)) {
				t.Errorf("categorical, %s: grad[%d] = %g, expected %g", c.name, i, dc.Data[i], w)
			}
			if !(math.Abs(float64(ds.Data[i])-w) <= 1e-6*math.Abs(w)) {
				t.Errorf("sparse, %s: grad[%d] = %g, expected %g", c.name, i, ds.Data[i], w)
			}
		}
	}
}
