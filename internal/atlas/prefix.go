package atlas

import (
	"fmt"
	"slices"

	"github.com/convscope/convscope/nn"
)

// Network is a model the atlas can draw: *nn.Sequential or *nn.Graph.
type Network interface {
	Weights() []*nn.Param
	Engine() nn.Engine
	InputShape() []int
}

// archOf returns net's architecture as a graph (a Sequential model as its
// chain).
func archOf(net Network) (nn.GraphArch, error) {
	switch n := net.(type) {
	case *nn.Sequential:
		return n.Arch().GraphArch(), nil
	case *nn.Graph:
		return n.Arch(), nil
	}
	return nn.GraphArch{}, fmt.Errorf("atlas: expected a Sequential or graph model, received %T", net)
}

// elementwise are the layer classes whose output is a function of their
// input cell by cell: the objective of such a node reads its input (the
// pre-activation), as for a Conv2D with a built-in activation.
var elementwise = []string{"Activation", "ReLU", "LeakyReLU", "Clip"}

// Prefix returns a new graph made of layer and the nodes it depends on
// (weights copied from net), whose one output is layer's pre-activation z:
// a built-in activation (Conv2D's relu) is made linear, and for an
// activation node (ONNX's Relu after a Conv) the output is the node it
// reads. It also returns the number of channels. Errors name a layer that
// is not in the model or has no channel maps.
func Prefix(net Network, layer string) (*nn.Graph, int, error) {
	a, err := archOf(net)
	if err != nil {
		return nil, 0, err
	}
	byName := map[string]int{}
	for i, n := range a.Nodes {
		byName[n.Layer.Name] = i
	}
	idx, ok := byName[layer]
	if !ok {
		return nil, 0, fmt.Errorf("atlas: expected a layer of the model, received %q", layer)
	}
	if in := a.Nodes[idx].Inputs; slices.Contains(elementwise, a.Nodes[idx].Layer.ClassName) && len(in) == 1 && in[0] != nn.GraphInput {
		idx = byName[in[0]]
	}
	keep := make([]bool, len(a.Nodes))
	stack := []int{idx}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if keep[i] {
			continue
		}
		keep[i] = true
		for _, in := range a.Nodes[i].Inputs {
			if j, ok := byName[in]; ok {
				stack = append(stack, j)
			}
		}
	}
	pa := nn.GraphArch{Name: a.Name, InputShape: a.InputShape, Outputs: []string{a.Nodes[idx].Layer.Name}}
	for i, n := range a.Nodes {
		if !keep[i] {
			continue
		}
		if i == idx && n.Layer.Activation != "" {
			n.Layer.Activation = "linear"
		}
		pa.Nodes = append(pa.Nodes, n)
	}
	pre, err := pa.Build()
	if err != nil {
		return nil, 0, err
	}
	shape := pre.OutputShape()
	if len(shape) != 3 {
		return nil, 0, fmt.Errorf("atlas: %s: expected a layer with channel maps, received output shape %v", layer, shape)
	}
	pre.SetEngine(net.Engine())
	src := map[string]*nn.Param{}
	for _, p := range net.Weights() {
		src[p.Name] = p
	}
	for _, p := range pre.Weights() {
		q := src[p.Name]
		if q == nil || len(q.Value) != len(p.Value) {
			return nil, 0, fmt.Errorf("atlas: %s: expected weight %s %v in the model, received none", layer, p.Name, p.Shape)
		}
		copy(p.Value, q.Value)
	}
	pre.WeightsChanged()
	return pre, shape[2], nil
}
