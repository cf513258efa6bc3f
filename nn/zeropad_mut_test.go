package nn

import (
	"math"
	"slices"
	"testing"
)

// TestZeroPadding2DValues pins the padded output (every pad different, y
// prefilled with NaN so a missed zero shows) and the input gradient (the
// window of dy over the input) for a batch of two.
func TestZeroPadding2DValues(t *testing.T) {
	// Input (2, 1, 2) per sample, pads top 1, bottom 2, left 3, right 1:
	// output (5, 5, 2).
	z := NewZeroPadding2D(1, 2, 3, 1)
	out, err := z.Build([]int{2, 1, 2})
	if err != nil || !slices.Equal(out, []int{5, 5, 2}) {
		t.Fatalf("Build = %v, %v, expected (5, 5, 2)", out, err)
	}
	x := NewTensor(2, 2, 1, 2)
	for i := range x.Data {
		x.Data[i] = float32(i + 1)
	}
	y := NewTensor(2, 5, 5, 2)
	for i := range y.Data {
		y.Data[i] = float32(math.NaN())
	}
	z.Forward(y, x, false)
	want := make([]float32, len(y.Data))
	for s := 0; s < 2; s++ {
		for i := 0; i < 2; i++ {
			for k := 0; k < 2; k++ {
				want[s*50+((1+i)*5+3)*2+k] = x.Data[s*4+i*2+k]
			}
		}
	}
	if !slices.Equal(y.Data, want) {
		t.Errorf("y = %v\nexpected %v", y.Data, want)
	}
	dy := NewTensor(2, 5, 5, 2)
	for i := range dy.Data {
		dy.Data[i] = float32(i)
	}
	dx := NewTensor(2, 2, 1, 2)
	z.Backward(dx, dy, x, y)
	wantDx := []float32{16, 17, 26, 27, 66, 67, 76, 77} // dy at rows 1, 2, column 3
	if !slices.Equal(dx.Data, wantDx) {
		t.Errorf("dx = %v, expected %v", dx.Data, wantDx)
	}
	z.Backward(nil, dy, x, y) // no input gradient wanted: nothing to do
}

// TestZeroPadding2DBuild checks that any pad may be 0 and none negative.
func TestZeroPadding2DBuild(t *testing.T) {
	cases := []struct {
		pads [4]int // top, bottom, left, right
		out  []int
		err  string
	}{
		{pads: [4]int{0, 0, 0, 0}, out: []int{3, 4, 1}},
		{pads: [4]int{0, 1, 1, 1}, out: []int{4, 6, 1}},
		{pads: [4]int{1, 0, 1, 1}, out: []int{4, 6, 1}},
		{pads: [4]int{1, 1, 0, 1}, out: []int{5, 5, 1}},
		{pads: [4]int{1, 1, 1, 0}, out: []int{5, 5, 1}},
		{pads: [4]int{-1, 0, 0, 0}, err: "ZeroPadding2D: expected non-negative padding, received ((-1, 0), (0, 0))"},
		{pads: [4]int{0, -1, 0, 0}, err: "ZeroPadding2D: expected non-negative padding, received ((0, -1), (0, 0))"},
		{pads: [4]int{0, 0, -1, 0}, err: "ZeroPadding2D: expected non-negative padding, received ((0, 0), (-1, 0))"},
		{pads: [4]int{0, 0, 0, -1}, err: "ZeroPadding2D: expected non-negative padding, received ((0, 0), (0, -1))"},
	}
	for _, c := range cases {
		p := c.pads
		out, err := NewZeroPadding2D(p[0], p[1], p[2], p[3]).Build([]int{3, 4, 1})
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("pads %v: Build = %v, %v, expected %q", p, out, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(out, c.out) {
			t.Errorf("pads %v: Build = %v, %v, expected %v", p, out, err, c.out)
		}
	}
	if _, err := NewZeroPadding2D(1, 1, 1, 1).Build([]int{3, 4}); err == nil {
		t.Error("rank-2 input accepted")
	}
}
