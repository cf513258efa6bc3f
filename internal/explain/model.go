package explain

import (
	"fmt"
	"math/rand"

	"github.com/convscope/convscope/nn"
)

// Model is what the methods need from a network: nn.Sequential through
// FromSequential, nn.Graph through an adapter of the same shape. The
// tensors it returns belong to the model and stay valid until its next
// Forward or BackwardWith.
type Model interface {
	// InputShape is the per-sample input shape (h, w, c).
	InputShape() []int
	// Nodes lists the layers in execution order.
	Nodes() []Node
	// Forward runs the batch x in inference mode and returns the output.
	Forward(x *nn.Tensor) *nn.Tensor
	// Logits returns the output layer's pre-activation for the last Forward.
	Logits() (*nn.Tensor, error)
	// Output returns a node's output of the last Forward (nn.InputName: the input).
	Output(name string) *nn.Tensor
	// BackwardWith back-propagates gradients (of the logits, with
	// FromLogits) after Forward: nn.Sequential.BackwardWith and
	// nn.Graph.BackwardWith.
	BackwardWith(o nn.BackwardOptions, dys ...*nn.Tensor) error
	// Grad returns the gradient of a node's output (nn.InputName: the
	// input) from the last BackwardWith, nil if it was not computed.
	Grad(name string) *nn.Tensor
}

// Randomizable models can have a layer's weights redrawn and put back, for
// the sanity check (Adebayo et al. 2018).
type Randomizable interface {
	Model
	// SaveWeights copies every weight; restore puts them back.
	SaveWeights() (restore func())
	// Randomize redraws the named layer's weights from the model's
	// initialiser (Keras: Glorot-uniform kernels, zero biases) with seed.
	Randomize(layer string, seed int64) error
}

// Node describes one layer of a Model.
type Node struct {
	Name, Kind string
	// Shape is the per-sample output shape.
	Shape []int
	// HasParams reports trainable weights (the sanity check randomises these).
	HasParams bool
	// Geom places the node's output grid on the input (spatial nodes).
	Geom Geometry
}

// Spatial reports whether the node's output is a (h, w, c) map.
func (n Node) Spatial() bool { return len(n.Shape) == 3 }

// Geometry places a layer's output cells on the input image: the centre of
// cell (i, j) is input pixel (Start[0] + i·Jump[0], Start[1] + j·Jump[1]),
// in pixel-index coordinates (pixel u covers [u-½, u+½]). Composed layer by
// layer from the input (Start 0, Jump 1): a window of size k, stride s and
// leading pad p gives Start' = Start + Jump·((k-1)/2 - p), Jump' = Jump·s
// (Araujo et al. 2019, "Computing receptive fields of convolutional neural
// networks", Distill). For the tutorial's conv2d_4: Start 18.5, Jump 8.
type Geometry struct {
	Start, Jump [2]float64
	// Known is false when the layer's cells have no place on the input
	// (after Flatten or Dense).
	Known bool
}

// seqModel adapts *nn.Sequential to Randomizable.
type seqModel struct {
	netModel
	m *nn.Sequential
}

// network is what nn.Sequential and nn.Graph both offer the methods.
type network interface {
	InputShape() []int
	Forward(x *nn.Tensor, training bool) *nn.Tensor
	Logits() (*nn.Tensor, error)
	Output(name string) *nn.Tensor
	Grad(name string) *nn.Tensor
	BackwardWith(o nn.BackwardOptions, dys ...*nn.Tensor) error
}

// netModel is the part of a Model that passes through to its network
// (inference mode) or returns its nodes.
type netModel struct {
	net   network
	nodes []Node
}

func (n *netModel) InputShape() []int               { return n.net.InputShape() }
func (n *netModel) Nodes() []Node                   { return n.nodes }
func (n *netModel) Forward(x *nn.Tensor) *nn.Tensor { return n.net.Forward(x, false) }
func (n *netModel) Logits() (*nn.Tensor, error)     { return n.net.Logits() }
func (n *netModel) Output(name string) *nn.Tensor   { return n.net.Output(name) }
func (n *netModel) Grad(name string) *nn.Tensor     { return n.net.Grad(name) }
func (n *netModel) BackwardWith(o nn.BackwardOptions, dys ...*nn.Tensor) error {
	return n.net.BackwardWith(o, dys...)
}

// FromSequential wraps m for the methods. The explanation runs on m itself
// (its activation buffers are reused), so give it a model no other
// goroutine uses (workbench.Model.CloneNet for a model that trains).
func FromSequential(m *nn.Sequential) Randomizable {
	s := &seqModel{netModel: netModel{net: m}, m: m}
	g := Geometry{Jump: [2]float64{1, 1}, Known: true}
	in := m.InputShape()
	for i, l := range m.Layers() {
		shape := m.LayerOutputShape(i)
		g = nextGeometry(g, l.Config(), in, shape)
		s.nodes = append(s.nodes, Node{Name: l.Name(), Kind: l.Kind(), Shape: shape, HasParams: len(l.Params()) > 0, Geom: g})
		in = shape
	}
	return s
}

// nextGeometry composes g with one layer (see Geometry): convolutions
// (with dilation d, the window is d·(k−1)+1), pooling, and zero padding
// (explicit Pads, "same" as TensorFlow pads, ZeroPadding2D) shift Start by
// the leading pad.
func nextGeometry(g Geometry, c nn.LayerConfig, in, out []int) Geometry {
	if !g.Known || len(out) != 3 || len(in) != 3 {
		return Geometry{}
	}
	if c.ClassName == "ZeroPadding2D" {
		g.Start[0] -= g.Jump[0] * float64(c.Pads[0])
		g.Start[1] -= g.Jump[1] * float64(c.Pads[1])
		return g
	}
	k, st, d, ok := c.Window()
	if !ok { // element-wise layers (Activation, Add, BatchNormalization, ...) keep the grid
		if in[0] == out[0] && in[1] == out[1] {
			return g
		}
		return Geometry{}
	}
	for a := 0; a < 2; a++ {
		s := st[a]
		span := d[a]*(k[a]-1) + 1
		pad := c.Pads[a]         // explicit pads: (top, left, bottom, right)
		if c.Padding == "same" { // TensorFlow: floor(total/2) before
			pad = max((out[a]-1)*s+span-in[a], 0) / 2
		}
		g.Start[a] += g.Jump[a] * (float64(span-1)/2 - float64(pad))
		g.Jump[a] *= float64(s)
	}
	return g
}

// SaveWeights copies every parameter.
func (s *seqModel) SaveWeights() (restore func()) {
	return saveParams(s.m.Params(), s.m.WeightsChanged)
}

// saveParams copies the values of ps and returns the function that puts
// them back and then calls changed, the model's WeightsChanged: the
// weights are written directly, so anything derived from them (the packed
// kernels of nn.Engine.PackWeights) must be dropped.
func saveParams(ps []*nn.Param, changed func()) func() {
	saved := make([][]float32, len(ps))
	for i, p := range ps {
		saved[i] = append([]float32(nil), p.Value...)
	}
	return func() {
		for i, p := range ps {
			copy(p.Value, saved[i])
		}
		changed()
	}
}

// Randomize redraws one layer's weights with its initialiser.
func (s *seqModel) Randomize(layer string, seed int64) error {
	for _, l := range s.m.Layers() {
		if l.Name() != layer {
			continue
		}
		in, ok := l.(nn.Initializer)
		if !ok {
			return fmt.Errorf("explain: layer %s (%s) has no weights to randomise", layer, l.Kind())
		}
		in.Init(rand.New(rand.NewSource(seed)))
		return nil
	}
	return fmt.Errorf("explain: no layer %q", layer)
}
