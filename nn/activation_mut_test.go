package nn

import (
	"math"
	"testing"
)

// TestSoftmaxWideRange checks softmax on rows whose values span more than
// exp's float64 range: subtracting the row's maximum (not any other value)
// keeps every exponent ≤ 0, so the result is finite and exact.
func TestSoftmaxWideRange(t *testing.T) {
	cases := []struct {
		name string
		row  []float32
		want []float64
	}{
		{"max last", []float32{-1000, 0, 1000}, []float64{0, 0, 1}},
		{"max first", []float32{1000, 0, -1000}, []float64{1, 0, 0}},
		{"max in the middle", []float32{-800, 800, -800, 799}, []float64{0, 1 / (1 + math.Exp(-1)), 0, math.Exp(-1) / (1 + math.Exp(-1))}},
		{"two equal maxima", []float32{-1e30, 1e30, 1e30}, []float64{0, 0.5, 0.5}},
	}
	for _, c := range cases {
		row := append([]float32(nil), c.row...)
		softmax(row)
		for i, w := range c.want {
			if !(math.Abs(float64(row[i])-w) <= 1e-6) { // NaN fails too
				t.Errorf("%s: softmax(%v)[%d] = %g, expected %g", c.name, c.row, i, row[i], w)
			}
		}
	}
}

// TestBiasActTo checks dst = f(src + bias) row by row, with and without a
// bias, for clamp activations (one pass) and the others (copy, then
// biasAct), leaving src as it was.
func TestBiasActTo(t *testing.T) {
	src := []float32{-2, -0.5, 1, 7, 0.25, -3}
	bias := []float32{1, -1, 0.5}
	ref := map[activation]func(float64) float64{
		actLinear:  func(v float64) float64 { return v },
		actReLU:    func(v float64) float64 { return math.Max(v, 0) },
		actReLU6:   func(v float64) float64 { return math.Min(math.Max(v, 0), 6) },
		actSigmoid: func(v float64) float64 { return 1 / (1 + math.Exp(-v)) },
		actTanh:    math.Tanh,
	}
	for a, f := range ref {
		for _, b := range [][]float32{nil, bias} {
			dst := make([]float32, len(src))
			in := append([]float32(nil), src...)
			biasActTo(dst, in, b, 3, a)
			for i, v := range src {
				z := float64(v)
				if b != nil {
					z += float64(b[i%3])
				}
				if want := f(z); !(math.Abs(float64(dst[i])-want) <= 1e-6) {
					t.Errorf("%s, bias %v: dst[%d] = %g, expected %g", a, b, i, dst[i], want)
				}
				if in[i] != v {
					t.Errorf("%s, bias %v: src changed", a, b)
				}
			}
		}
	}
	// Softmax normalises each row of c values.
	dst := make([]float32, len(src))
	biasActTo(dst, src, bias, 3, actSoftmax)
	for r := 0; r < 2; r++ {
		var e [3]float64
		var s float64
		for i := range e {
			e[i] = math.Exp(float64(src[r*3+i] + bias[i]))
			s += e[i]
		}
		for i := range e {
			if want := e[i] / s; !(math.Abs(float64(dst[r*3+i])-want) <= 1e-6) {
				t.Errorf("softmax row %d: dst[%d] = %g, expected %g", r, i, dst[r*3+i], want)
			}
		}
	}
}
