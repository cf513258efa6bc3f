package nn

import (
	"math"
	"strings"
	"testing"
)

// TestBatchNormalizationBuildErrors checks the bounds Build enforces:
// epsilon > 0 and finite, momentum in [0, 1] (both ends allowed), an input
// of rank >= 1.
func TestBatchNormalizationBuildErrors(t *testing.T) {
	cases := []struct {
		name string
		opts []Option
		in   []int
		want string // "" for no error
	}{
		{"epsilon 0", []Option{WithEpsilon(0)}, []int{3}, "BatchNormalization: expected epsilon > 0, received 0"},
		{"epsilon negative", []Option{WithEpsilon(-1e-3)}, []int{3}, "BatchNormalization: expected epsilon > 0, received -0.001"},
		{"epsilon NaN", []Option{WithEpsilon(math.NaN())}, []int{3}, "BatchNormalization: expected epsilon > 0, received NaN"},
		{"epsilon +Inf", []Option{WithEpsilon(math.Inf(1))}, []int{3}, "BatchNormalization: expected epsilon > 0, received +Inf"},
		{"epsilon tiny", []Option{WithEpsilon(1e-30)}, []int{3}, ""},
		{"momentum 0", []Option{WithMomentum(0)}, []int{3}, ""},
		{"momentum 1", []Option{WithMomentum(1)}, []int{3}, ""},
		{"momentum negative", []Option{WithMomentum(-0.01)}, []int{3}, "BatchNormalization: expected momentum in [0, 1], received -0.01"},
		{"momentum above 1", []Option{WithMomentum(1.01)}, []int{3}, "BatchNormalization: expected momentum in [0, 1], received 1.01"},
		{"momentum NaN", []Option{WithMomentum(math.NaN())}, []int{3}, "BatchNormalization: expected momentum in [0, 1], received NaN"},
		{"rank 0", nil, []int{}, "BatchNormalization: expected an input of rank >= 1, received ()"},
		{"unknown option", []Option{WithActivation("relu")}, []int{3}, "BatchNormalization: unexpected option"},
	}
	for _, c := range cases {
		out, err := NewBatchNormalization(c.opts...).Build(c.in)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: Build = %v, expected no error", c.name, err)
		case c.want == "" && (len(out) != 1 || out[0] != 3):
			t.Errorf("%s: Build = %v, expected (3)", c.name, out)
		case c.want != "" && (err == nil || !strings.HasPrefix(err.Error(), c.want)):
			t.Errorf("%s: Build = %v, expected %q", c.name, err, c.want)
		}
	}
}

// TestBatchNormalizationMomentumEnds checks the moving statistics at
// momentum 0 (they become the batch's) and 1 (they never move).
func TestBatchNormalizationMomentumEnds(t *testing.T) {
	x := &Tensor{Shape: []int{2, 1}, Data: []float32{1, 5}} // mean 3, biased variance 4
	for _, c := range []struct {
		momentum     float64
		mean, varian float32
	}{{0, 3, 4}, {1, 0, 1}, {0.5, 1.5, 2.5}} {
		b := NewBatchNormalization(WithMomentum(c.momentum))
		if _, err := b.Build([]int{1}); err != nil {
			t.Fatal(err)
		}
		b.Forward(NewTensor(2, 1), x, true)
		if mm, mv := b.State()[0].Value[0], b.State()[1].Value[0]; mm != c.mean || mv != c.varian {
			t.Errorf("momentum %g: moving mean, variance = %g, %g, expected %g, %g", c.momentum, mm, mv, c.mean, c.varian)
		}
	}
}

// TestBatchNormalizationWorkItems checks the inference output of inputs
// that span several work items (pwChunk values each, at least one pixel),
// including channel counts at and above pwChunk, against the formula, and
// the pixels per work item.
func TestBatchNormalizationWorkItems(t *testing.T) {
	cases := []struct {
		pixels, c, chunk int
	}{
		{pixels: 3, c: pwChunk, chunk: 1},                     // one pixel per item, 3 items
		{pixels: 2, c: pwChunk + 5, chunk: 1},                 // more channels than one item's values
		{pixels: 2 * (pwChunk / 4), c: 4, chunk: pwChunk / 4}, // exactly two items
		{pixels: 2*(pwChunk/3) + 7, c: 3, chunk: pwChunk / 3}, // a short last item
		{pixels: 5, c: 2, chunk: pwChunk / 2},                 // one short item
	}
	for _, tc := range cases {
		b := NewBatchNormalization(WithEpsilon(0.25))
		b.setEngine(Engine{Workers: 2})
		if _, err := b.Build([]int{tc.c}); err != nil {
			t.Fatal(err)
		}
		g, be := b.Params()[0].Value, b.Params()[1].Value
		mm, mv := b.State()[0].Value, b.State()[1].Value
		for i := 0; i < tc.c; i++ {
			g[i], be[i], mm[i], mv[i] = float32(i%5+1), float32(i%3), float32(i%7), float32(i%4)
		}
		x := NewTensor(tc.pixels, tc.c)
		for i := range x.Data {
			x.Data[i] = float32(i%11) - 5
		}
		y := NewTensor(tc.pixels, tc.c)
		for i := range y.Data {
			y.Data[i] = float32(math.NaN())
		}
		b.Forward(y, x, false)
		if b.chunk != tc.chunk {
			t.Errorf("%d pixels of %d channels: %d pixels per work item, expected %d", tc.pixels, tc.c, b.chunk, tc.chunk)
		}
		bad := 0
		for i, v := range y.Data {
			k := i % tc.c
			want := float64(g[k])*(float64(x.Data[i])-float64(mm[k]))/math.Sqrt(float64(mv[k])+0.25) + float64(be[k])
			if !(math.Abs(float64(v)-want) <= 1e-5*(1+math.Abs(want))) {
				if bad++; bad <= 3 {
					t.Errorf("%d pixels of %d channels: y[%d] = %g, expected %g", tc.pixels, tc.c, i, v, want)
				}
			}
		}
	}
}
