package onnx

import (
	"testing"

	"github.com/convscope/convscope/nn"
)

// seGraph is a squeeze-excitation block with SiLU, the (1, 1, C) gate and
// a same-shape Multiply.
func seGraph(t *testing.T) *nn.Graph {
	g := nn.NewGraph([]int{6, 6, 3})
	add := func(l nn.LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	h := add(nn.NewSiLU(), add(nn.NewConv2D(8, 3, 3, nn.WithPadding("same")), nn.GraphInput))
	s := add(nn.NewReshape([]int{1, 1, 8}), add(nn.NewGlobalAveragePooling2D(), h))
	s = add(nn.NewConv2D(4, 1, 1, nn.WithActivation("relu")), s)
	s = add(nn.NewHardSigmoid(1.0/6, 0.5), add(nn.NewConv2D(8, 1, 1), s))
	h = add(nn.NewMultiply(), h, s)
	h = add(nn.NewMultiply(), h, add(nn.NewHardSwish(), h))
	add(nn.NewDense(3), add(nn.NewGlobalAveragePooling2D(), h))
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	g.Init(5)
	return g
}

// TestExportMultiplySiLU: a graph with Multiply and SiLU exports to ONNX
// (Mul with broadcasting, Sigmoid + Mul) and imports back, fused or not,
// to the same outputs.
func TestExportMultiplySiLU(t *testing.T) {
	g := seGraph(t)
	x := randomInput(g.InputShape(), 1)
	want := g.Forward(x, false).Clone()
	m, err := ExportGraph(g, nn.Metadata{})
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]int{}
	for _, n := range m.Graph.Nodes {
		ops[n.OpType]++
	}
	if ops["Mul"] != 3 || ops["Sigmoid"] != 1 {
		t.Errorf("exported ops %v: expected 3 Mul (SiLU, gate, square) and 1 Sigmoid", ops)
	}
	back, err := Parse(m.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	for _, fuse := range []bool{false, true} {
		g2, err := ImportWith(back, ImportOptions{FuseActivations: fuse})
		if err != nil {
			t.Fatal(err)
		}
		got := g2.Forward(x, false)
		if e := relErr(got.Data, want.Data); e > 1e-6 {
			t.Errorf("fuse %v: outputs differ by %.3g of the largest after the round trip", fuse, e)
		}
	}
	checkWithPython(t, m)
}
