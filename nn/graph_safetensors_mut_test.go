package nn

import (
	"strings"
	"testing"
)

// TestGraphBudgetBoundaries checks SetLimits' weight budget at the exact
// total of the weights Build counts (kh·kw·cin/groups·filters for Conv2D,
// in·units for Dense, 4·channels for BatchNormalization) and one short.
func TestGraphBudgetBoundaries(t *testing.T) {
	type node struct {
		l  LayerBase
		in string
	}
	tests := []struct {
		name   string
		input  []int
		nodes  func() []node
		budget int64
		want   string // "" = builds
	}{
		{"conv, exact", []int{6, 6, 4}, func() []node { return []node{{NewConv2D(8, 3, 3, WithName("c")), GraphInput}} }, 288, ""},
		{"conv, one short", []int{6, 6, 4}, func() []node { return []node{{NewConv2D(8, 3, 3, WithName("c")), GraphInput}} }, 287, `node "c" (Conv2D) needs more weights than the file holds (287 values)`},
		{"grouped conv, exact", []int{6, 6, 4}, func() []node { return []node{{NewConv2D(8, 3, 3, WithGroups(4), WithName("c")), GraphInput}} }, 72, ""},
		{"grouped conv, one short", []int{6, 6, 4}, func() []node { return []node{{NewConv2D(8, 3, 3, WithGroups(4), WithName("c")), GraphInput}} }, 71, `node "c" (Conv2D) needs more weights`},
		{"dense, exact", []int{2, 2, 1}, func() []node {
			return []node{{NewFlatten(WithName("f")), GraphInput}, {NewDense(3, WithName("d")), "f"}}
		}, 12, ""},
		{"dense, one short", []int{2, 2, 1}, func() []node {
			return []node{{NewFlatten(WithName("f")), GraphInput}, {NewDense(3, WithName("d")), "f"}}
		}, 11, `node "d" (Dense) needs more weights`},
		{"batch norm, exact", []int{2, 2, 4}, func() []node { return []node{{NewBatchNormalization(WithName("b")), GraphInput}} }, 16, ""},
		{"batch norm, one short", []int{2, 2, 4}, func() []node { return []node{{NewBatchNormalization(WithName("b")), GraphInput}} }, 15, `node "b" (BatchNormalization) needs more weights`},
		{"conv then batch norm, exact", []int{6, 6, 4}, func() []node {
			return []node{{NewConv2D(8, 3, 3, WithGroups(4), WithName("c")), GraphInput}, {NewBatchNormalization(WithName("b")), "c"}}
		}, 104, ""},
		{"conv then batch norm, one short", []int{6, 6, 4}, func() []node {
			return []node{{NewConv2D(8, 3, 3, WithGroups(4), WithName("c")), GraphInput}, {NewBatchNormalization(WithName("b")), "c"}}
		}, 103, `node "b" (BatchNormalization) needs more weights than the file holds (103 values)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewGraph(tt.input)
			var last string
			for _, n := range tt.nodes() {
				name, err := g.Add(n.l, n.in)
				if err != nil {
					t.Fatal(err)
				}
				last = name
			}
			g.SetOutputs(last)
			g.SetLimits(tt.budget)
			err := g.Build()
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
