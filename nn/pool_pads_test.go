package nn

import (
	"math"
	"math/rand"
	"testing"
)

// TestPoolingPadsCeilMode pins explicit padding, ceil mode and
// count_include_pad to PyTorch 1.13's avg_pool2d / max_pool2d on x = 1..30
// as a 5×6 image (float64).
func TestPoolingPadsCeilMode(t *testing.T) {
	for _, tc := range []struct {
		name  string
		layer Layer
		neg   bool // pool -x
		shape []int
		want  []float64
	}{
		{"AvgCountPad", NewAveragePooling2D(3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1), WithCeilMode(true), WithCountIncludePad(true)),
			false, []int{3, 4}, []float64{2, 4, 5.333333333333333, 3, 9, 15, 17, 9, 10, 16, 17.333333333333332, 9}},
		{"AvgExcludePad", NewAveragePooling2D(3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1), WithCeilMode(true)),
			false, []int{3, 4}, []float64{4.5, 6, 8, 9, 13.5, 15, 17, 18, 22.5, 24, 26, 27}},
		{"AvgRect", NewAveragePooling2D(2, 3, WithStrides(2, 2), WithPads(1, 0, 1, 0), WithCeilMode(true), WithCountIncludePad(true)),
			false, []int{3, 3}, []float64{1, 2, 2.75, 11, 13, 14.5, 23, 25, 26.5}},
		{"MaxPads", NewMaxPooling2D(3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1), WithCeilMode(true)),
			true, []int{3, 4}, []float64{-1, -2, -4, -6, -7, -8, -10, -12, -19, -20, -22, -24}},
		{"MaxCeil", NewMaxPooling2D(2, 2, WithCeilMode(true)),
			false, []int{3, 3}, []float64{8, 10, 12, 20, 22, 24, 26, 28, 30}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := tc.layer.Build([]int{5, 6, 1})
			if err != nil {
				t.Fatal(err)
			}
			if out[0] != tc.shape[0] || out[1] != tc.shape[1] {
				t.Fatalf("output %v, expected (%d, %d, 1)", out, tc.shape[0], tc.shape[1])
			}
			x := NewTensor(1, 5, 6, 1)
			for i := range x.Data {
				x.Data[i] = float32(i + 1)
				if tc.neg {
					x.Data[i] = -x.Data[i]
				}
			}
			y := NewTensor(1, out[0], out[1], 1)
			tc.layer.Forward(y, x, false)
			for i, v := range y.Data {
				if math.Abs(float64(v)-tc.want[i]) > 1e-5 {
					t.Fatalf("y = %v, expected %v", y.Data, tc.want)
				}
			}
		})
	}
}

func TestPoolingPadsGradients(t *testing.T) {
	spread := func(_ LayerBase, xs []*Tensor, rng *rand.Rand) { spreadInput(nil, xs[0], rng) }
	for _, c := range []layerCase{
		{name: "AvgCountPad", layer: func() LayerBase {
			return NewAveragePooling2D(3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1), WithCeilMode(true), WithCountIncludePad(true))
		}, in: [][]int{{5, 6, 2}}, batch: 2},
		{name: "AvgExcludePad", layer: func() LayerBase {
			return NewAveragePooling2D(2, 3, WithStrides(1, 2), WithPads(1, 0, 0, 2), WithCeilMode(true))
		}, in: [][]int{{5, 6, 2}}, batch: 2},
		{name: "MaxPadsCeil", layer: func() LayerBase {
			return NewMaxPooling2D(3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1), WithCeilMode(true))
		}, in: [][]int{{5, 6, 2}}, batch: 2, prep: spread},
		{name: "MaxCeil2x2", layer: func() LayerBase { return NewMaxPooling2D(2, 2, WithCeilMode(true)) }, in: [][]int{{5, 7, 3}}, batch: 2, prep: spread},
	} {
		t.Run(c.name, func(t *testing.T) { checkLayerCase(t, c) })
	}
}

func TestPoolingPadsErrors(t *testing.T) {
	for _, tc := range []struct {
		l    Layer
		want string
	}{
		{NewMaxPooling2D(2, 2, WithPads(2, 0, 0, 0)), "MaxPooling2D: expected pads smaller than the pool size (2, 2), received [2 0 0 0]"},
		{NewMaxPooling2D(2, 2, WithCountIncludePad(true)), "MaxPooling2D: unexpected option count_include_pad (MaxPooling2D takes name, strides, padding, pads, ceil_mode)"},
		{NewAveragePooling2D(2, 2, WithPads(1, 1, 1, 1), WithPadding("same")), `AveragePooling2D: explicit pads go with padding "valid", received padding "same"`},
	} {
		if _, err := tc.l.Build([]int{5, 5, 1}); err == nil || err.Error() != tc.want {
			t.Errorf("Build: %v, expected %q", err, tc.want)
		}
	}
}
