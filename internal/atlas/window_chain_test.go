package atlas

import (
	"testing"

	"github.com/convscope/convscope/nn"
)

// TestChainGeometryAccepts checks which chains the window evaluation takes:
// valid square windows of any stride, with cell-wise layers between them,
// and not padding, dilation, unequal sides or a branch.
func TestChainGeometryAccepts(t *testing.T) {
	type layer struct {
		l      nn.LayerBase
		inputs []int // earlier layers' indices; none: the previous layer
	}
	conv := func(k int, opts ...nn.Option) layer { return layer{l: nn.NewConv2D(2, k, k, opts...)} }
	for _, tc := range []struct {
		name   string
		layers []layer
		r, s   int
		ok     bool
	}{
		{"conv pool conv", []layer{conv(3), {l: nn.NewMaxPooling2D(2, 2)}, conv(3)}, 8, 2, true},
		{"strided conv", []layer{conv(3, nn.WithStrides(2, 2)), conv(3)}, 7, 2, true},
		{"overlapping pool", []layer{conv(3), {l: nn.NewMaxPooling2D(3, 3, nn.WithStrides(2, 2))}}, 5, 2, true},
		{"same padding", []layer{conv(3, nn.WithPadding("same"))}, 0, 0, false},
		{"dilation", []layer{conv(3, nn.WithDilation(2, 2))}, 0, 0, false},
		{"unequal strides", []layer{conv(3, nn.WithStrides(1, 2))}, 0, 0, false},
		{"rectangular kernel", []layer{{l: nn.NewConv2D(2, 3, 1)}}, 0, 0, false},
		{"branch", []layer{conv(3), conv(1), {l: nn.NewAdd(), inputs: []int{0, 1}}}, 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := nn.NewGraph([]int{24, 24, 3})
			prev := nn.GraphInput
			var names []string
			for _, l := range tc.layers {
				in := []string{prev}
				if l.inputs != nil {
					in = nil
					for _, i := range l.inputs {
						in = append(in, names[i])
					}
				}
				name, err := g.Add(l.l, in...)
				if err != nil {
					t.Fatal(err)
				}
				prev, names = name, append(names, name)
			}
			g.SetOutputs(prev)
			if err := g.Build(); err != nil {
				t.Fatal(err)
			}
			geo, ok := chainGeometry(g)
			if ok != tc.ok || ok && (geo.R != tc.r || geo.S != tc.s) {
				t.Errorf("chainGeometry = %+v, %v; want R %d S %d, %v", geo, ok, tc.r, tc.s, tc.ok)
			}
		})
	}
}
