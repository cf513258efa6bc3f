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
			if math.Abs(float64(row[i])-w) > 1e-6 {
				t.Errorf("%s: softmax(%v)[%d] = %g, expected %g", c.name, c.row, i, row[i], w)
			}
		}
	}
}
