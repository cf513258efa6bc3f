package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// naiveConv is the textbook definition of a grouped, dilated, padded
// convolution (no activation), for comparison.
func naiveConv(x *Tensor, k, b []float32, kh, kw, filters, groups, sh, sw, dh, dw, pt, pl, oh, ow int) *Tensor {
	n, h, w, cin := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	cg, og := cin/groups, filters/groups
	y := NewTensor(n, oh, ow, filters)
	for s := 0; s < n; s++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				for o := 0; o < filters; o++ {
					grp := o / og
					sum := float64(0)
					if b != nil {
						sum = float64(b[o])
					}
					for u := 0; u < kh; u++ {
						for v := 0; v < kw; v++ {
							iy, ix := i*sh+u*dh-pt, j*sw+v*dw-pl
							if iy < 0 || iy >= h || ix < 0 || ix >= w {
								continue
							}
							for c := 0; c < cg; c++ {
								sum += float64(x.Data[((s*h+iy)*w+ix)*cin+grp*cg+c]) * float64(k[((u*kw+v)*cg+c)*filters+o])
							}
						}
					}
					y.Data[((s*oh+i)*ow+j)*filters+o] = float32(sum)
				}
			}
		}
	}
	return y
}

type convCase struct {
	name            string
	in              []int
	filters, kh, kw int
	groups, sh, sw  int
	dh, dw          int
	pads            [4]int
	same            bool
	wantH, wantW    int
}

var convCases = []convCase{
	{name: "Grouped", in: []int{6, 5, 4}, filters: 6, kh: 3, kw: 2, groups: 2, sh: 1, sw: 1, dh: 1, dw: 1, wantH: 4, wantW: 4},
	{name: "Depthwise", in: []int{6, 7, 3}, filters: 3, kh: 3, kw: 3, groups: 3, sh: 1, sw: 1, dh: 1, dw: 1, pads: [4]int{1, 1, 1, 1}, wantH: 6, wantW: 7},
	{name: "DepthwiseStride2Asym", in: []int{7, 6, 4}, filters: 4, kh: 3, kw: 3, groups: 4, sh: 2, sw: 2, dh: 1, dw: 1, pads: [4]int{0, 1, 1, 0}, wantH: 3, wantW: 3},
	{name: "Depthwise16", in: []int{5, 6, 16}, filters: 16, kh: 3, kw: 3, groups: 16, sh: 1, sw: 1, dh: 1, dw: 1, pads: [4]int{1, 1, 1, 1}, wantH: 5, wantW: 6},
	{name: "Depthwise16Stride2Dilated", in: []int{7, 8, 16}, filters: 16, kh: 3, kw: 3, groups: 16, sh: 2, sw: 2, dh: 1, dw: 2, pads: [4]int{1, 2, 1, 2}, wantH: 4, wantW: 4},
	{name: "DepthwiseMultiplier", in: []int{5, 5, 2}, filters: 6, kh: 2, kw: 3, groups: 2, sh: 1, sw: 2, dh: 1, dw: 1, pads: [4]int{1, 0, 0, 2}, wantH: 5, wantW: 3},
	{name: "Dilated", in: []int{7, 8, 2}, filters: 3, kh: 3, kw: 3, groups: 1, sh: 1, sw: 1, dh: 2, dw: 3, wantH: 3, wantW: 2},
	{name: "DilatedSame", in: []int{6, 6, 2}, filters: 2, kh: 3, kw: 3, groups: 1, sh: 1, sw: 1, dh: 2, dw: 2, same: true, wantH: 6, wantW: 6},
	{name: "PadsAsymStride2", in: []int{7, 7, 3}, filters: 4, kh: 3, kw: 3, groups: 1, sh: 2, sw: 2, dh: 1, dw: 1, pads: [4]int{1, 1, 1, 1}, wantH: 4, wantW: 4},
	{name: "PadsOneSided", in: []int{5, 4, 2}, filters: 3, kh: 2, kw: 2, groups: 1, sh: 1, sw: 1, dh: 1, dw: 1, pads: [4]int{0, 2, 1, 0}, wantH: 5, wantW: 5},
	{name: "GroupedDilatedPadded", in: []int{6, 6, 4}, filters: 4, kh: 2, kw: 2, groups: 2, sh: 2, sw: 1, dh: 2, dw: 1, pads: [4]int{1, 0, 2, 1}, wantH: 4, wantW: 6},
	{name: "Pointwise1x1", in: []int{4, 4, 5}, filters: 3, kh: 1, kw: 1, groups: 1, sh: 1, sw: 1, dh: 1, dw: 1, wantH: 4, wantW: 4},
	// Windows wholly in the padding (explicit pads larger than the kernel).
	{name: "PadsBeyondKernel", in: []int{3, 3, 2}, filters: 2, kh: 2, kw: 2, groups: 1, sh: 2, sw: 2, dh: 1, dw: 1, pads: [4]int{3, 3, 3, 3}, wantH: 4, wantW: 4},
	{name: "PadsBeyondKernelDepthwise", in: []int{3, 3, 2}, filters: 2, kh: 2, kw: 2, groups: 2, sh: 2, sw: 1, dh: 1, dw: 1, pads: [4]int{3, 3, 3, 3}, wantH: 4, wantW: 8},
	{name: "PadsBeyondKernelDilated", in: []int{3, 3, 2}, filters: 2, kh: 2, kw: 2, groups: 1, sh: 2, sw: 2, dh: 2, dw: 1, pads: [4]int{4, 3, 3, 3}, wantH: 4, wantW: 4},
	// Few output pixels and many filters: work split by output channels
	// (splitColumns), on the padded direct path and on im2col.
	{name: "ColumnsPadded", in: []int{5, 4, 6}, filters: 160, kh: 3, kw: 3, groups: 1, sh: 1, sw: 1, dh: 1, dw: 1, pads: [4]int{1, 1, 1, 1}, wantH: 5, wantW: 4},
	{name: "ColumnsValid", in: []int{5, 4, 6}, filters: 128, kh: 2, kw: 2, groups: 1, sh: 1, sw: 1, dh: 1, dw: 1, wantH: 4, wantW: 3},
	{name: "ColumnsStrided", in: []int{5, 5, 3}, filters: 200, kh: 3, kw: 3, groups: 1, sh: 2, sw: 2, dh: 1, dw: 1, pads: [4]int{1, 1, 1, 1}, wantH: 3, wantW: 3},
}

func (c convCase) layer() *Conv2D {
	opts := []Option{WithGroups(c.groups), WithStrides(c.sh, c.sw), WithDilation(c.dh, c.dw)}
	if c.same {
		opts = append(opts, WithPadding("same"))
	} else {
		opts = append(opts, WithPads(c.pads[0], c.pads[1], c.pads[2], c.pads[3]))
	}
	return NewConv2D(c.filters, c.kh, c.kw, opts...)
}

func TestConv2DGroupsDilationPadsForward(t *testing.T) {
	for _, c := range convCases {
		t.Run(c.name, func(t *testing.T) {
			l := c.layer()
			out, err := l.Build(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if out[0] != c.wantH || out[1] != c.wantW || out[2] != c.filters {
				t.Fatalf("output shape %v, expected (%d, %d, %d)", out, c.wantH, c.wantW, c.filters)
			}
			rng := rand.New(rand.NewSource(3))
			fillUniform(l.kernel.Value, 1, rng)
			fillUniform(l.bias.Value, 1, rng)
			x := NewTensor(append([]int{2}, c.in...)...)
			fillUniform(x.Data, 1, rng)
			y := NewTensor(append([]int{2}, out...)...)
			l.setEngine(testEngine(4, 0, ""))
			l.Forward(y, x, false)
			if c.filters >= 128 && l.cb < 2 {
				t.Errorf("the work was not split by output channels (%d blocks)", l.cb)
			}
			want := naiveConv(x, l.kernel.Value, l.bias.Value, c.kh, c.kw, c.filters, c.groups, c.sh, c.sw, c.dh, c.dw, l.g.pt, l.g.pl, out[0], out[1])
			for i, v := range y.Data {
				if math.Abs(float64(v-want.Data[i])) > 1e-5 {
					t.Fatalf("y[%d] = %g, expected %g", i, v, want.Data[i])
				}
			}
		})
	}
}

func TestConv2DGroupsDilationPadsGradients(t *testing.T) {
	// Work items of about 4 output pixels: several row blocks per image,
	// which exercises the backward pass's even/odd phases; 1 and 2 workers.
	for _, c := range convCases {
		if c.filters >= 128 {
			continue // forward-only cases (splitColumns); backward is the same code
		}
		for _, act := range []string{"linear", "tanh"} {
			for _, workers := range []int{1, 2} {
				t.Run(fmt.Sprintf("%s/%s/workers=%d", c.name, act, workers), func(t *testing.T) {
					checkLayerCase(t, layerCase{
						layer: func() LayerBase {
							l := c.layer()
							l.actName = act
							l.setEngine(testEngine(workers, 4, ""))
							return l
						},
						in: [][]int{c.in}, batch: 2, training: true,
					})
				})
			}
		}
	}
}

func TestConv2DGroupsErrors(t *testing.T) {
	for _, tc := range []struct {
		l    *Conv2D
		in   []int
		want string
	}{
		{NewConv2D(4, 3, 3, WithGroups(3)), []int{5, 5, 3}, "Conv2D: expected groups > 0 dividing filters (4), received 3"},
		// groups 0 must be an error, not a division by zero in Build.
		{NewConv2D(4, 3, 3, WithGroups(0)), []int{5, 5, 3}, "Conv2D: expected groups > 0 dividing filters (4), received 0"},
		{NewConv2D(4, 3, 3, WithGroups(-2)), []int{5, 5, 4}, "Conv2D: expected groups > 0 dividing filters (4), received -2"},
		{NewConv2D(4, 3, 3, WithGroups(2)), []int{5, 5, 3}, "Conv2D: expected input channels divisible by groups (2), received 3"},
		{NewConv2D(4, 3, 3, WithPads(1, 1, 1, 1), WithPadding("same")), []int{5, 5, 3}, `Conv2D: explicit pads go with padding "valid", received padding "same"`},
		{NewConv2D(4, 3, 3, WithDilation(3, 1)), []int{6, 5, 3}, "Conv2D: kernel 7×3 larger than input 6×5 (use padding \"same\" or a larger input)"},
		{NewConv2D(4, 3, 3, WithPads(-1, 0, 0, 0)), []int{6, 5, 3}, "Conv2D: expected non-negative pads, received [-1 0 0 0]"},
	} {
		_, err := tc.l.Build(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Build: %v, expected %q", err, tc.want)
		}
	}
}
