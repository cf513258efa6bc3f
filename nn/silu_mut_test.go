package nn

import (
	"math"
	"testing"
)

// TestSiLUWorkItems runs SiLU forward and backward on inputs of one, just
// under one, and several work items (pwChunk values each) with two
// workers, against the float64 formulas.
func TestSiLUWorkItems(t *testing.T) {
	for _, size := range []int{5, pwChunk - 1, pwChunk, 2*pwChunk - 1, 2*pwChunk + 5} {
		s := NewSiLU()
		s.setEngine(Engine{Workers: 2})
		if _, err := s.Build([]int{size}); err != nil {
			t.Fatal(err)
		}
		x, dy := NewTensor(1, size), NewTensor(1, size)
		for i := range x.Data {
			x.Data[i] = float32(i%201)*0.05 - 5
			dy.Data[i] = float32(i%7) - 3
		}
		y, dx := NewTensor(1, size), NewTensor(1, size)
		for i := range y.Data {
			y.Data[i], dx.Data[i] = float32(math.NaN()), float32(math.NaN())
		}
		s.Forward(y, x, false)
		s.Backward(dx, dy, x, y)
		bad := 0
		for i, v := range x.Data {
			sg := 1 / (1 + math.Exp(-float64(v)))
			wy, wdx := float64(v)*sg, float64(dy.Data[i])*sg*(1+float64(v)*(1-sg))
			if !(math.Abs(float64(y.Data[i])-wy) <= 1e-6*(1+math.Abs(wy))) || !(math.Abs(float64(dx.Data[i])-wdx) <= 1e-5*(1+math.Abs(wdx))) {
				if bad++; bad <= 3 {
					t.Errorf("size %d: at x[%d] = %g: y %g, dx %g, expected %g, %g", size, i, v, y.Data[i], dx.Data[i], wy, wdx)
				}
			}
		}
		s.Backward(nil, dy, x, y) // no input gradient wanted: nothing to do
	}
}

// TestExpfSmallestNormal checks expf at its lower cut-off, -87.3365448
// rounded to float32: e^x is just below the smallest normal float32 there,
// a value expf still returns (only below the cut-off is it 0).
func TestExpfSmallestNormal(t *testing.T) {
	for _, x := range []float32{-87.3365448, -87.33654, -87.3} {
		want := math.Exp(float64(x))
		if got := float64(expf(x)); got == 0 || !(math.Abs(got-want) <= 1e-5*want) {
			t.Errorf("expf(%.9g) = %g, expected %g", x, got, want)
		}
	}
	if got := expf(math.Nextafter32(-87.3365448, -100)); got != 0 {
		t.Errorf("expf below the cut-off = %g, expected 0", got)
	}
}

// TestUnaryLengths: every length from 0 to 17 (no AVX2 group, one group
// and a tail, two groups) gives the scalar formulas' bits for hardSwish
// and mul, and x/(1+e⁻ˣ) within 4e-7 for silu and sigmoidTo.
func TestUnaryLengths(t *testing.T) {
	for n := 0; n <= 17; n++ {
		x, b := make([]float32, n), make([]float32, n)
		for i := range x {
			x[i] = float32(i)*0.7 - 4
			b[i] = 1.5 - float32(i)/4
		}
		hs, m, sl, sg := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		hardSwish(hs, x)
		mul(m, x, b)
		silu(sl, x)
		sigmoidTo(sg, x)
		for i, v := range x {
			if want := v * min(max(v/6+0.5, 0), 1); hs[i] != want {
				t.Errorf("length %d: hardSwish(%g) = %g, expected %g", n, v, hs[i], want)
			}
			if want := v * b[i]; m[i] != want {
				t.Errorf("length %d: mul(%g, %g) = %g, expected %g", n, v, b[i], m[i], want)
			}
			s := 1 / (1 + math.Exp(-float64(v)))
			if !(math.Abs(float64(sl[i])-float64(v)*s) <= 4e-7*math.Abs(float64(v)*s)) {
				t.Errorf("length %d: silu(%g) = %g, expected %g", n, v, sl[i], float64(v)*s)
			}
			if !(math.Abs(float64(sg[i])-s) <= 4e-7*s) {
				t.Errorf("length %d: sigmoid(%g) = %g, expected %g", n, v, sg[i], s)
			}
		}
	}
}
