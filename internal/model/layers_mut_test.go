package model

import (
	"slices"
	"testing"

	"github.com/convscope/convscope/nn"
)

// Activations gives one output per node and Run the network's output (the
// last node's), for a Sequential and for a graph.
func TestActivationsAndRun(t *testing.T) {
	g, err := Open("../onnx/testdata/parity/resnet_folded.onnx")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []*Model{tinyModel(t, 16), g} {
		in := m.InputShape()
		x := nn.NewTensor(append([]int{2}, in...)...)
		for i := range x.Data {
			x.Data[i] = float32(i%7) / 7
		}
		acts := m.Activations(x)
		if len(acts) != len(m.Nodes()) {
			t.Fatalf("graph %v: %d activations for %d nodes", m.IsGraph(), len(acts), len(m.Nodes()))
		}
		last := slices.Clone(acts[len(acts)-1].Data)
		y := m.Run(x)
		if !slices.Equal(y.Shape, append([]int{2}, m.OutputShape()...)) || !slices.Equal(y.Data, last) {
			t.Errorf("graph %v: Run gives %v, the last activation %v", m.IsGraph(), y.Shape, acts[len(acts)-1].Shape)
		}
	}
}
