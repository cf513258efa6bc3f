package nn

import (
	"fmt"
	"math"
	"testing"
)

// TestMultiplyWorkItems runs Multiply forward and backward, with two
// workers, on inputs of several work items (about pwChunk values each,
// whole rows of c channels), a row count one short of a multiple of the
// rows per item, and broadcast inputs of 255 and 256 channels (one block of
// sums, sumBlock 256, at and one under its width), against float64
// products; and checks the rows per work item.
func TestMultiplyWorkItems(t *testing.T) {
	cases := []struct {
		in    [][]int
		batch int
		rows  int // rows of c values per work item
	}{
		{in: [][]int{{4095, 4}, {4095, 4}}, batch: 1, rows: pwChunk / 4},                     // 4095 rows: one item, one row short
		{in: [][]int{{3, 4095, 4}, {3, 4095, 4}, {3, 4095, 4}}, batch: 1, rows: pwChunk / 4}, // 3 inputs, 3 items
		{in: [][]int{{2, 3, 255}, {1, 1, 255}}, batch: 2, rows: pwChunk / 255},
		{in: [][]int{{1, 1, 256}, {3, 1, 256}}, batch: 2, rows: pwChunk / 256},
		{in: [][]int{{2, 1, pwChunk + 3}, {1, 1, pwChunk + 3}}, batch: 2, rows: 1},
	}
	for _, tc := range cases {
		name := fmt.Sprint(tc.in)
		m := NewMultiply()
		m.setEngine(Engine{Workers: 2})
		out, err := m.BuildMerge(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		xs, dxs := make([]*Tensor, len(tc.in)), make([]*Tensor, len(tc.in))
		for i, s := range tc.in {
			xs[i] = NewTensor(append([]int{tc.batch}, s...)...)
			for j := range xs[i].Data {
				xs[i].Data[j] = float32((j*(i+3))%13)/8 - 0.7
			}
			dxs[i] = NewTensor(xs[i].Shape...)
			for j := range dxs[i].Data {
				dxs[i].Data[j] = float32(math.NaN())
			}
		}
		y := NewTensor(append([]int{tc.batch}, out...)...)
		dy := NewTensor(y.Shape...)
		for j := range dy.Data {
			y.Data[j] = float32(math.NaN())
			dy.Data[j] = float32(j%5) - 2
		}
		m.ForwardMerge(y, xs, false)
		if m.rows != tc.rows {
			t.Errorf("%s: %d rows per work item, expected %d", name, m.rows, tc.rows)
		}
		m.BackwardMerge(dxs, dy, xs, y)
		c := out[len(out)-1]
		hw := len(y.Data) / tc.batch / c
		// at returns input i's value that output value k reads.
		at := func(i, k int) float64 {
			if len(xs[i].Data) == len(y.Data) {
				return float64(xs[i].Data[k])
			}
			return float64(xs[i].Data[k/(hw*c)*c+k%c])
		}
		want := make([][]float64, len(xs))
		for i := range xs {
			want[i] = make([]float64, len(xs[i].Data))
		}
		bad := 0
		for k := range y.Data {
			p := 1.0
			for i := range xs {
				p *= at(i, k)
			}
			if !(math.Abs(float64(y.Data[k])-p) <= 1e-6) {
				if bad++; bad <= 3 {
					t.Errorf("%s: y[%d] = %g, expected %g", name, k, y.Data[k], p)
				}
			}
			for i := range xs {
				g := float64(dy.Data[k])
				for j := range xs {
					if j != i {
						g *= at(j, k)
					}
				}
				if len(xs[i].Data) == len(y.Data) {
					want[i][k] = g
				} else {
					want[i][k/(hw*c)*c+k%c] += g
				}
			}
		}
		for i := range xs {
			for k, w := range want[i] {
				if !(math.Abs(float64(dxs[i].Data[k])-w) <= 1e-5*(1+math.Abs(w))) {
					if bad++; bad <= 6 {
						t.Errorf("%s: dx%d[%d] = %g, expected %g", name, i, k, dxs[i].Data[k], w)
					}
				}
			}
		}
	}
}
