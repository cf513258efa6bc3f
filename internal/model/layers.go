package model

import (
	"strings"

	"github.com/convscope/convscope/nn"
)

// Node is one layer of a model, in topological order (a Sequential
// model's layers are a chain): what the summary lists.
type Node struct {
	// Index is the node's position in topological order.
	Index int
	Name  string
	// Kind is the layer's Keras class name (Conv2D, Add, …).
	Kind string
	// Inputs names the nodes it reads (nn.GraphInput for the model input).
	Inputs []string
	// Shape is the per-sample output shape.
	Shape []int
	// Params counts the trainable values.
	Params int
	layer  nn.LayerBase
}

// Nodes lists every layer of m in the order they run.
func (m *Model) Nodes() []Node {
	if m.Graph != nil {
		infos := m.Graph.Nodes()
		out := make([]Node, len(infos))
		for i, n := range infos {
			out[i] = Node{Index: i, Name: n.Name, Kind: n.Kind, Inputs: n.Inputs, Shape: n.OutputShape, Params: n.Params, layer: n.Layer}
		}
		return out
	}
	layers := m.Net.Layers()
	out := make([]Node, len(layers))
	prev := nn.GraphInput
	for i, l := range layers {
		params := 0
		for _, p := range l.Params() {
			params += len(p.Value)
		}
		out[i] = Node{Index: i, Name: l.Name(), Kind: l.Kind(), Inputs: []string{prev}, Shape: m.Net.LayerOutputShape(i), Params: params, layer: l}
		prev = l.Name()
	}
	return out
}

// MapLayer is a layer whose output is a stack of channel maps (what the
// grid shows).
type MapLayer struct {
	// Index is the layer's position in the model (Nodes order).
	Index int
	Name  string
	Kind  string
	// Shape is the per-sample output shape (H, W, C).
	Shape []int
	// Conv is set for convolutions (the grid's "convolutions only" filter).
	Conv bool
}

// IsMapLayer reports whether layer l, with per-sample output shape, produces
// channel maps: convolutions and pooling with a spatial output. (The
// grid shows every node with a spatial output; this is the command line's
// default set for Sequential models.)
func IsMapLayer(l nn.Layer, shape []int) bool {
	if len(shape) != 3 {
		return false
	}
	switch l.Kind() {
	case "Conv2D", "MaxPooling2D", "AveragePooling2D", "DepthwiseConv2D", "SeparableConv2D":
		return true
	}
	return false
}

// IsConvKind reports whether a Keras class name is a convolution.
func IsConvKind(kind string) bool { return strings.Contains(kind, "Conv") }

// MapLayers lists m's layers with a spatial (H, W, C) output in model
// order: every one of a graph (convolutions, BatchNormalization, ReLU,
// Add, …), the convolutions and pooling of a Sequential model (whose
// activations are fused into its convolutions).
func (m *Model) MapLayers() []MapLayer {
	var out []MapLayer
	for i, n := range m.Nodes() {
		if len(n.Shape) != 3 {
			continue
		}
		if m.Graph == nil && !IsMapLayer(n.layer.(nn.Layer), n.Shape) {
			continue
		}
		out = append(out, MapLayer{Index: i, Name: n.Name, Kind: n.Kind, Shape: n.Shape, Conv: IsConvKind(n.Kind)})
	}
	return out
}

// Forward runs x, a batch of one, through m and returns every map layer's
// activation, shape (1, H, W, C), in MapLayers order, and a copy of the
// model's (first) output values. The activations are the network's own
// buffers, valid until its next Forward (no copy: ResNet-50 keeps ~100 MB
// of them): the one who runs the network reads them.
func (m *Model) Forward(x *nn.Tensor) (maps []*nn.Tensor, out []float32) {
	layers := m.MapLayers()
	maps = make([]*nn.Tensor, len(layers))
	if m.Graph != nil {
		acts := m.Graph.Activations(x)
		for i, l := range layers {
			maps[i] = acts[l.Index]
		}
		return maps, append([]float32(nil), m.Graph.Outputs()[0].Sample(0)...)
	}
	outs := m.Net.Activations(x)
	for i, l := range layers {
		maps[i] = outs[l.Index]
	}
	return maps, append([]float32(nil), outs[len(outs)-1].Sample(0)...)
}

// Kernel returns the kernel of layer i (Nodes order), shape (kh, kw,
// cin/groups, cout), when it is a convolution.
func (m *Model) Kernel(i int) (w []float32, shape []int, ok bool) {
	nodes := m.Nodes()
	if i < 0 || i >= len(nodes) || nodes[i].Kind != "Conv2D" {
		return nil, nil, false
	}
	ps := nodes[i].layer.Params()
	if len(ps) == 0 || len(ps[0].Shape) != 4 {
		return nil, nil, false
	}
	return ps[0].Value, ps[0].Shape, true
}

// Activations runs x through m and returns every node's output in Nodes
// order (the network's own buffers, valid until its next run).
func (m *Model) Activations(x *nn.Tensor) []*nn.Tensor {
	if m.Graph != nil {
		return m.Graph.Activations(x)
	}
	return m.Net.Activations(x)
}

// Run runs a batch x through m in inference mode and returns its (first)
// output, which belongs to the network.
func (m *Model) Run(x *nn.Tensor) *nn.Tensor {
	if m.Graph != nil {
		return m.Graph.Predict(x)
	}
	return m.Net.Predict(x)
}
