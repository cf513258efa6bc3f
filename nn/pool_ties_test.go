package nn

import (
	"slices"
	"testing"
)

// TestMaxPoolingTiesGeneralPath pins the tie rule on the general (not 2×2
// stride 2) path: each output's gradient goes to the first maximum of its
// window in row-major order, for overlapping windows (3×3 stride 2, where a
// tied input can be the winner of two windows and collects both gradients)
// and for "same" padding (where the padding never wins). The expected
// gradients are worked out by hand below.
func TestMaxPoolingTiesGeneralPath(t *testing.T) {
	cases := []struct {
		name          string
		pool, stride  int
		padding       string
		h, w          int
		x, dy, wantDx []float32
	}{{
		// 5×5 of ones except a 2 at (2,2): every 3×3 window (stride 2) holds
		// the 2, at the centre element the windows share, so all four
		// gradients land there.
		name: "overlapping, one shared winner", pool: 3, stride: 2, padding: "valid", h: 5, w: 5,
		x: []float32{
			1, 1, 1, 1, 1,
			1, 1, 1, 1, 1,
			1, 1, 2, 1, 1,
			1, 1, 1, 1, 1,
			1, 1, 1, 1, 1,
		},
		dy: []float32{1, 10, 100, 1000},
		wantDx: []float32{
			0, 0, 0, 0, 0,
			0, 0, 0, 0, 0,
			0, 0, 1111, 0, 0,
			0, 0, 0, 0, 0,
			0, 0, 0, 0, 0,
		},
	}, {
		// All equal: each window's first element wins. Windows start at
		// (0,0), (0,2), (2,0), (2,2); the last element of one window is
		// the first of the next, but ties go to the first, never the last.
		name: "overlapping, all tied", pool: 3, stride: 2, padding: "valid", h: 5, w: 5,
		x:  slices.Repeat([]float32{4}, 25),
		dy: []float32{1, 10, 100, 1000},
		wantDx: []float32{
			1, 0, 10, 0, 0,
			0, 0, 0, 0, 0,
			100, 0, 1000, 0, 0,
			0, 0, 0, 0, 0,
			0, 0, 0, 0, 0,
		},
	}, {
		// 3×3 pool, stride 1, "same" on 3×3: padding (pt = pl = 1) is -inf
		// and never wins; for each window the first tied real input wins.
		name: "same padding, all tied negative", pool: 3, stride: 1, padding: "same", h: 3, w: 3,
		x:  slices.Repeat([]float32{-2}, 9),
		dy: []float32{1, 2, 3, 4, 5, 6, 7, 8, 9},
		// Window (i,j) covers rows i-1..i+1, cols j-1..j+1 clipped; its first
		// real input is (max(i-1,0), max(j-1,0)).
		wantDx: []float32{
			1 + 2 + 4 + 5, 3 + 6, 0,
			7 + 8, 9, 0,
			0, 0, 0,
		},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := NewMaxPooling2D(c.pool, c.pool, WithStrides(c.stride, c.stride), WithPadding(c.padding))
			out, err := l.Build([]int{c.h, c.w, 1})
			if err != nil {
				t.Fatal(err)
			}
			x := &Tensor{Shape: []int{1, c.h, c.w, 1}, Data: c.x}
			y := NewTensor(append([]int{1}, out...)...)
			if len(y.Data) != len(c.dy) {
				t.Fatalf("output %v has %d values, the case gives %d gradients", out, len(y.Data), len(c.dy))
			}
			l.Forward(y, x, true)
			dx := NewTensor(1, c.h, c.w, 1)
			l.Backward(dx, &Tensor{Shape: y.Shape, Data: c.dy}, x, y)
			if !slices.Equal(dx.Data, c.wantDx) {
				t.Errorf("dx = %v\nwant %v", dx.Data, c.wantDx)
			}
		})
	}
}
