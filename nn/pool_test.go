package nn

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestPoolingGradients(t *testing.T) {
	maxp := func(ph, pw int, opts ...Option) func() Layer {
		return func() Layer { return NewMaxPooling2D(ph, pw, opts...) }
	}
	avgp := func(ph, pw int, opts ...Option) func() Layer {
		return func() Layer { return NewAveragePooling2D(ph, pw, opts...) }
	}
	cases := []gradCase{
		{name: "max valid", layer: maxp(2, 2), in: []int{5, 4, 3}, batch: 2, prep: spreadInput},
		{name: "max same", layer: maxp(2, 2, WithPadding("same")), in: []int{5, 3, 2}, batch: 2, prep: spreadInput},
		{name: "max overlapping", layer: maxp(3, 3, WithStrides(1, 2)), in: []int{5, 5, 2}, batch: 2, prep: spreadInput},
		{name: "max same stride 1", layer: maxp(3, 2, WithStrides(1, 1), WithPadding("same")), in: []int{4, 4, 1}, batch: 1, prep: spreadInput},
		{name: "average valid", layer: avgp(2, 2), in: []int{5, 4, 3}, batch: 2},
		{name: "average same", layer: avgp(2, 2, WithPadding("same")), in: []int{5, 3, 2}, batch: 2},
		{name: "average overlapping same", layer: avgp(3, 3, WithStrides(1, 2), WithPadding("same")), in: []int{5, 5, 2}, batch: 2},
	}
	for _, w := range []int{1, 2} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/workers=%d", c.name, w), func(t *testing.T) {
				c.eng = Engine{Workers: w}
				checkGradients(t, c)
			})
		}
	}
}

func TestPoolingHandComputed(t *testing.T) {
	x9 := NewTensor(1, 3, 3, 1) // 1..9
	for i := range x9.Data {
		x9.Data[i] = float32(i + 1)
	}
	cases := []struct {
		name  string
		layer Layer
		x     *Tensor
		shape []int
		want  []float32
	}{
		{"max valid", NewMaxPooling2D(2, 2), x16(), []int{2, 2, 1}, []float32{6, 8, 14, 16}},
		{"max stride 1", NewMaxPooling2D(2, 2, WithStrides(1, 1)), x9, []int{2, 2, 1}, []float32{5, 6, 8, 9}},
		// "same" on 3×3 with 2×2/2: one padding row and column after.
		{"max same", NewMaxPooling2D(2, 2, WithPadding("same")), x9, []int{2, 2, 1}, []float32{5, 6, 8, 9}},
		{"average valid", NewAveragePooling2D(2, 2), x16(), []int{2, 2, 1}, []float32{3.5, 5.5, 11.5, 13.5}},
		// TensorFlow divides border windows by the real pixels only.
		{"average same", NewAveragePooling2D(2, 2, WithPadding("same")), x9, []int{2, 2, 1}, []float32{3, 4.5, 7.5, 9}},
		{"max of negatives same", NewMaxPooling2D(2, 2, WithPadding("same")), negate(x9), []int{2, 2, 1}, []float32{-1, -3, -7, -9}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := c.layer.Build(c.x.Shape[1:])
			if err != nil || !slices.Equal(out, c.shape) {
				t.Fatalf("Build = %v, %v; want %v", out, err, c.shape)
			}
			y := NewTensor(append([]int{1}, out...)...)
			c.layer.Forward(y, c.x, false)
			if !slices.Equal(y.Data, c.want) {
				t.Errorf("y = %v, want %v", y.Data, c.want)
			}
		})
	}
}

func negate(t *Tensor) *Tensor {
	c := t.Clone()
	for i := range c.Data {
		c.Data[i] = -c.Data[i]
	}
	return c
}

func TestMaxPoolingTies(t *testing.T) {
	// The gradient goes to the first maximum in row-major window order.
	cases := []struct {
		x, want []float32
	}{
		{[]float32{5, 5, 5, 5}, []float32{1, 0, 0, 0}},
		{[]float32{1, 3, 3, 2}, []float32{0, 1, 0, 0}},
		{[]float32{1, 2, 4, 4}, []float32{0, 0, 1, 0}},
		{[]float32{0, 0, 0, 7}, []float32{0, 0, 0, 1}},
		{[]float32{-3, -1, -2, -1}, []float32{0, 1, 0, 0}},
		{[]float32{-5, 2, -7, 3}, []float32{0, 0, 0, 1}},
		{[]float32{-1e30, -2e30, 1e-30, -1e-30}, []float32{0, 0, 1, 0}},
	}
	for _, c := range cases {
		l := NewMaxPooling2D(2, 2)
		l.Build([]int{2, 2, 1})
		x := &Tensor{Shape: []int{1, 2, 2, 1}, Data: c.x}
		y := NewTensor(1, 1, 1, 1)
		l.Forward(y, x, true)
		dx := NewTensor(1, 2, 2, 1)
		l.Backward(dx, &Tensor{Shape: []int{1, 1, 1, 1}, Data: []float32{1}}, x, y)
		if !slices.Equal(dx.Data, c.want) {
			t.Errorf("x %v: dx = %v, want %v", c.x, dx.Data, c.want)
		}
	}
}

func TestPoolingBuildErrors(t *testing.T) {
	cases := []struct {
		layer Layer
		in    []int
		want  string
	}{
		{NewMaxPooling2D(2, 2), []int{512}, "MaxPooling2D: expected input of rank 3 (height, width, channels), received (512,)"},
		{NewMaxPooling2D(3, 3), []int{2, 5, 1}, "MaxPooling2D: pool 3×3 larger than input 2×5"},
		{NewAveragePooling2D(0, 2), []int{4, 4, 1}, "AveragePooling2D: expected positive pool_size, received (0, 2)"},
		{NewAveragePooling2D(2, 2, WithPadding("causal")), []int{4, 4, 1}, `AveragePooling2D: expected padding "valid" or "same", received "causal"`},
		{NewMaxPooling2D(2, 2, WithActivation("relu")), []int{4, 4, 1}, "MaxPooling2D: unexpected option activation (MaxPooling2D takes name, strides, padding, pads, ceil_mode)"},
	}
	for _, c := range cases {
		_, err := c.layer.Build(c.in)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Build(%v) = %v, want %q", c.in, err, c.want)
		}
	}
}

func TestMaxPoolingBackwardAfterInference(t *testing.T) {
	// Backward finds the maxima from x and y, so a Forward in inference
	// mode is enough, and the fast 2×2 path writes every input gradient
	// (the odd last row and column too) over whatever dx held.
	for _, shape := range [][]int{{5, 7, 8}, {4, 4, 8}, {5, 7, 3}} {
		l := NewMaxPooling2D(2, 2)
		out, _ := l.Build(shape)
		x := NewTensor(append([]int{2}, shape...)...)
		for i := range x.Data {
			x.Data[i] = float32((i*7919)%1009) - 500 // distinct enough: no ties in a window
		}
		y := NewTensor(append([]int{2}, out...)...)
		l.Forward(y, x, false)
		dy := NewTensor(y.Shape...)
		for i := range dy.Data {
			dy.Data[i] = float32(i + 1)
		}
		dx := NewTensor(x.Shape...)
		for i := range dx.Data {
			dx.Data[i] = 99
		}
		l.Backward(dx, dy, x, y)
		// Expected: each dy at the first maximum of its window, zero elsewhere.
		h, w, c := shape[0], shape[1], shape[2]
		want := make([]float32, len(dx.Data))
		for n := 0; n < 2; n++ {
			for oy := 0; oy < out[0]; oy++ {
				for ox := 0; ox < out[1]; ox++ {
					for k := 0; k < c; k++ {
						o := ((n*out[0]+oy)*out[1]+ox)*c + k
						best := -1
						for _, d := range [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
							i := ((n*h+2*oy+d[0])*w+2*ox+d[1])*c + k
							if best < 0 || x.Data[i] > x.Data[best] {
								best = i
							}
						}
						want[best] = dy.Data[o]
					}
				}
			}
		}
		if !slices.Equal(dx.Data, want) {
			t.Errorf("%v: dx = %v, want %v", shape, dx.Data, want)
		}
	}
}
