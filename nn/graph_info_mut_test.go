package nn

import (
	"slices"
	"testing"
)

// TestGraphNodeLookup: Node finds a node by name, with its kind, inputs,
// shape and parameter count, and reports false for another name.
func TestGraphNodeLookup(t *testing.T) {
	g := NewGraph([]int{3})
	g.Add(NewDense(2, WithName("a")), GraphInput)
	g.Add(NewDense(4, WithName("b")), "a")
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	info, ok := g.Node("b")
	if !ok || info.Name != "b" || info.Kind != "Dense" || !slices.Equal(info.Inputs, []string{"a"}) ||
		!slices.Equal(info.OutputShape, []int{4}) || info.Params != 12 || !info.IsOutput {
		t.Errorf("Node(b) = %+v, %v", info, ok)
	}
	if info, ok := g.Node("a"); !ok || info.Params != 8 || info.IsOutput {
		t.Errorf("Node(a) = %+v, %v", info, ok)
	}
	if _, ok := g.Node("c"); ok {
		t.Error("Node(c) found a node")
	}
}

// TestGraphCopyWeightsFromMismatch: copying from a graph of another
// architecture is an error naming the tensor, and copies nothing.
func TestGraphCopyWeightsFromMismatch(t *testing.T) {
	build := func(units int) *Graph {
		g := NewGraph([]int{3})
		g.Add(NewDense(units, WithName("d")), GraphInput)
		if err := g.Build(); err != nil {
			t.Fatal(err)
		}
		return g
	}
	dst, src := build(2), build(3)
	before := slices.Clone(dst.weights[0].Value)
	err := dst.CopyWeightsFrom(src)
	if want := "nn: copy weights: d/kernel: expected shape (3, 2), received (3, 3)"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	if !slices.Equal(dst.weights[0].Value, before) {
		t.Error("weights changed")
	}
	same := build(2)
	same.Init(7)
	if err := dst.CopyWeightsFrom(same); err != nil || !slices.Equal(dst.weights[0].Value, same.weights[0].Value) {
		t.Errorf("copy from the same architecture: %v", err)
	}
}
