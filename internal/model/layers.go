package model

import "github.com/convscope/convscope/nn"

// MapLayer is a layer whose output is a stack of channel maps (what the
// grid shows).
type MapLayer struct {
	// Index is the layer's position in the model.
	Index int
	Name  string
	Kind  string
	// Shape is the per-sample output shape (H, W, C).
	Shape []int
}

// IsMapLayer reports whether layer l, with per-sample output shape, produces
// channel maps: convolutions and pooling with a spatial output.
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

// MapLayers lists m's channel-map layers in model order.
func (m *Model) MapLayers() []MapLayer {
	var out []MapLayer
	for i, l := range m.Net.Layers() {
		if shape := m.Net.LayerOutputShape(i); IsMapLayer(l, shape) {
			out = append(out, MapLayer{Index: i, Name: l.Name(), Kind: l.Kind(), Shape: shape})
		}
	}
	return out
}

// Forward runs x, a batch of one, through m and returns a copy of every
// map layer's activation, shape (1, H, W, C), in MapLayers order, and the
// model's output values.
func (m *Model) Forward(x *nn.Tensor) (maps []*nn.Tensor, out []float32) {
	outs := m.Net.Activations(x)
	for i, l := range m.Net.Layers() {
		if IsMapLayer(l, m.Net.LayerOutputShape(i)) {
			maps = append(maps, outs[i].Clone())
		}
	}
	return maps, append([]float32(nil), outs[len(outs)-1].Sample(0)...)
}

// Kernel returns the kernel of layer i, shape (kh, kw, cin, cout), when it
// is a convolution.
func (m *Model) Kernel(i int) (w []float32, shape []int, ok bool) {
	layers := m.Net.Layers()
	if i < 0 || i >= len(layers) || layers[i].Kind() != "Conv2D" {
		return nil, nil, false
	}
	ps := layers[i].Params()
	if len(ps) == 0 || len(ps[0].Shape) != 4 {
		return nil, nil, false
	}
	return ps[0].Value, ps[0].Shape, true
}
