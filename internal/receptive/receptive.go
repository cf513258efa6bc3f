// Package receptive computes receptive fields: the exact region of the
// network's input that one cell (row, column) of any layer's output depends
// on, for Sequential and graph (nn.Graph) models.
//
// Every spatial layer maps an output position o along one axis to a window
// of input positions
//
//	[o·s − p, o·s − p + (k − 1)·d + 1)
//
// with kernel (or pool) size k, stride s, dilation d and leading padding p
// (explicit pads, or TensorFlow's "same" padding p = ⌊max((out−1)·s + k_eff −
// in, 0)/2⌋). Composing these windows from a cell down to the input gives
// the region; clipped to each layer's input at every step it is the region
// of real pixels the cell can see. Without clipping its size is the classic
//
//	r₀ = 1 + Σₗ (kₗ − 1)·dₗ·Πᵢ₍ₗ sᵢ,   jump j = Πₗ sₗ,
//
// (Araujo, Norris & Sim, "Computing receptive fields of convolutional neural
// networks", Distill 2019, eq. 2), the formula the size reports. Layers act
// on rows and columns separately, so a region is a box. Element-wise layers
// (activations, batch normalisation, Add, Concatenate, dropout, rescaling)
// keep the window; layers that mix every position (Flatten, Dense, global
// pooling, Reshape) see the whole input. In a graph, a node's region is the
// union over its inputs (the paths through the graph); the bounding box of
// that union is returned (exact when the paths' regions overlap or touch,
// as they do in residual and inception blocks).
package receptive

import (
	"fmt"
	"strings"

	"github.com/convscope/convscope/nn"
)

// Box is a half-open rectangle [Y0, Y1) × [X0, X1) of positions (input
// pixels, or cells of a layer). An empty box has Y0 ≥ Y1 or X0 ≥ X1.
type Box struct{ Y0, X0, Y1, X1 int }

// Empty reports whether b holds no position.
func (b Box) Empty() bool { return b.Y0 >= b.Y1 || b.X0 >= b.X1 }

// Contains reports whether (y, x) lies inside b.
func (b Box) Contains(y, x int) bool { return y >= b.Y0 && y < b.Y1 && x >= b.X0 && x < b.X1 }

// H and W are the box's height and width (0 when empty).
func (b Box) H() int { return max(b.Y1-b.Y0, 0) }

// W is the box's width (0 when empty).
func (b Box) W() int { return max(b.X1-b.X0, 0) }

func (b Box) union(c Box) Box {
	if b.Empty() {
		return c
	}
	if c.Empty() {
		return b
	}
	return Box{min(b.Y0, c.Y0), min(b.X0, c.X0), max(b.Y1, c.Y1), max(b.X1, c.X1)}
}

func (b Box) String() string {
	return fmt.Sprintf("rows %d–%d, columns %d–%d", b.Y0, b.Y1-1, b.X0, b.X1-1)
}

// axis is one layer's window along one axis.
type axis struct {
	k, s, d, pad int // window [o·s − pad, o·s − pad + (k−1)·d + 1)
	whole        bool
}

// window maps output positions [a, b) to input positions, clipped to
// [0, in) when clip is set.
func (x axis) window(a, b, in int, clip bool) (int, int) {
	if a >= b {
		return 0, 0
	}
	if x.whole {
		return 0, in
	}
	lo, hi := a*x.s-x.pad, (b-1)*x.s-x.pad+(x.k-1)*x.d+1
	if clip {
		lo, hi = max(lo, 0), min(hi, in)
	}
	return lo, hi
}

// node is one layer of the network.
type node struct {
	name       string
	kind       string
	inputs     []int // indexes into Net.nodes; -1 is the network's input
	h, w       int   // output size (0 when not spatial)
	inH, inW   int   // size of the first input
	rows, cols axis
}

// Net is a network's layers as the receptive-field calculation sees them.
// It is immutable once made and safe for concurrent use.
type Net struct {
	inH, inW int
	nodes    []node
	index    map[string]int
}

// FromSequential describes a built Sequential model.
func FromSequential(m *nn.Sequential) (*Net, error) {
	layers := make([]layerInfo, len(m.Layers()))
	prev := nn.InputName
	for i, l := range m.Layers() {
		layers[i] = layerInfo{name: l.Name(), cfg: l.Config(), inputs: []string{prev}, shape: m.LayerOutputShape(i)}
		prev = l.Name()
	}
	return build(m.InputShape(), layers)
}

// FromGraph describes a built graph.
func FromGraph(g *nn.Graph) (*Net, error) {
	nodes := g.Nodes()
	layers := make([]layerInfo, len(nodes))
	for i, n := range nodes {
		layers[i] = layerInfo{name: n.Name, cfg: n.Layer.Config(), inputs: n.Inputs, shape: n.OutputShape}
	}
	return build(g.InputShape(), layers)
}

type layerInfo struct {
	name   string
	cfg    nn.LayerConfig
	inputs []string
	shape  []int
}

func build(input []int, layers []layerInfo) (*Net, error) {
	if len(input) != 3 {
		return nil, fmt.Errorf("receptive: expected an image input (height, width, channels), received shape %v", input)
	}
	n := &Net{inH: input[0], inW: input[1], index: map[string]int{}}
	size := func(i int) (int, int) {
		if i < 0 {
			return n.inH, n.inW
		}
		return n.nodes[i].h, n.nodes[i].w
	}
	for _, l := range layers {
		nd := node{name: l.name, kind: l.cfg.ClassName}
		for _, in := range l.inputs {
			j := -1
			if in != nn.GraphInput {
				k, ok := n.index[in]
				if !ok {
					return nil, fmt.Errorf("receptive: %s: expected an earlier layer as input, received %q", l.name, in)
				}
				j = k
			}
			nd.inputs = append(nd.inputs, j)
		}
		if len(nd.inputs) == 0 {
			return nil, fmt.Errorf("receptive: %s: expected at least one input, received none", l.name)
		}
		nd.inH, nd.inW = size(nd.inputs[0])
		if len(l.shape) == 3 {
			nd.h, nd.w = l.shape[0], l.shape[1]
		}
		nd.rows, nd.cols = axes(l.cfg, nd)
		n.index[l.name] = len(n.nodes)
		n.nodes = append(n.nodes, nd)
	}
	return n, nil
}

// axes returns a layer's windows along rows and columns.
func axes(c nn.LayerConfig, nd node) (axis, axis) {
	whole := axis{whole: true}
	if nd.h == 0 || nd.inH == 0 {
		return whole, whole // not spatial: sees everything
	}
	if c.ClassName == "ZeroPadding2D" {
		return axis{k: 1, s: 1, d: 1, pad: c.Pads[0]}, axis{k: 1, s: 1, d: 1, pad: c.Pads[1]}
	}
	k, s, d, ok := c.Window()
	if !ok {
		if nd.h == nd.inH && nd.w == nd.inW {
			return axis{k: 1, s: 1, d: 1}, axis{k: 1, s: 1, d: 1} // element-wise
		}
		return whole, whole
	}
	pad := [2]int{c.Pads[0], c.Pads[1]}
	if strings.EqualFold(c.Padding, "same") {
		outs, ins := [2]int{nd.h, nd.w}, [2]int{nd.inH, nd.inW}
		for i := range 2 {
			pad[i] = max((outs[i]-1)*s[i]+(k[i]-1)*d[i]+1-ins[i], 0) / 2
		}
	}
	return axis{k: k[0], s: s[0], d: d[0], pad: pad[0]}, axis{k: k[1], s: s[1], d: d[1], pad: pad[1]}
}

// Layers returns the layer names in order (topological for a graph).
func (n *Net) Layers() []string {
	out := make([]string, len(n.nodes))
	for i, nd := range n.nodes {
		out[i] = nd.name
	}
	return out
}

// InputSize returns the network input's height and width.
func (n *Net) InputSize() (h, w int) { return n.inH, n.inW }

// Spatial reports whether the layer's output is a map (rank 3) and its size.
func (n *Net) Spatial(layer string) (h, w int, ok bool) {
	i, ok := n.index[layer]
	if !ok || n.nodes[i].h == 0 {
		return 0, 0, false
	}
	return n.nodes[i].h, n.nodes[i].w, true
}

func (n *Net) lookup(layer string) (int, error) {
	if layer == nn.InputName {
		return -1, nil
	}
	i, ok := n.index[layer]
	if !ok {
		return 0, fmt.Errorf("receptive: expected a layer name (%s), received %q", strings.Join(n.Layers(), ", "), layer)
	}
	return i, nil
}

// Field returns the input pixels the cell (y, x) of layer's output depends
// on, clipped to the image. A layer that is not a map (Dense) sees the
// whole input whatever the cell.
func (n *Net) Field(layer string, y, x int) (Box, error) {
	return n.Region(layer, Box{y, x, y + 1, x + 1}, nn.InputName)
}

// Region returns the cells of layer `to` that the cells `cells` of layer
// `from` depend on (clipped to `to`'s output), or an empty box when `to` is
// not upstream of `from`. to may be nn.InputName (the input's pixels).
func (n *Net) Region(from string, cells Box, to string) (Box, error) {
	return n.region(from, cells, to, true)
}

func (n *Net) region(from string, cells Box, to string, clip bool) (Box, error) {
	fi, err := n.lookup(from)
	if err != nil {
		return Box{}, err
	}
	ti, err := n.lookup(to)
	if err != nil {
		return Box{}, err
	}
	if fi < 0 {
		if ti < 0 {
			return cells, nil
		}
		return Box{}, nil
	}
	boxes := make([]Box, len(n.nodes))
	boxes[fi] = cells
	var input Box
	for i := fi; i >= 0 && i > ti; i-- {
		b := boxes[i]
		if b.Empty() {
			continue
		}
		nd := &n.nodes[i]
		for _, j := range nd.inputs {
			ih, iw := n.inH, n.inW
			if j >= 0 {
				ih, iw = n.nodes[j].h, n.nodes[j].w
			}
			if ih == 0 { // a non-spatial input: one placeholder cell
				ih, iw = 1, 1
			}
			y0, y1 := nd.rows.window(b.Y0, b.Y1, ih, clip)
			x0, x1 := nd.cols.window(b.X0, b.X1, iw, clip)
			w := Box{y0, x0, y1, x1}
			if j >= 0 {
				boxes[j] = boxes[j].union(w)
			} else {
				input = input.union(w)
			}
		}
	}
	if ti < 0 {
		return input, nil
	}
	return boxes[ti], nil
}

// Size is a layer's receptive field along each axis without clipping (the
// region of an interior cell): r = 1 + Σ(kₗ − 1)·dₗ·Πᵢ₍ₗ sᵢ, with the
// jump Π sₗ between neighbouring cells and the start of cell 0's region
// (negative where padding reaches outside the image).
type Size struct {
	RH, RW         int // receptive field height and width in input pixels
	JumpY, JumpX   int // input pixels between neighbouring cells
	StartY, StartX int // first input row and column of cell (0, 0)'s region
}

// SizeOf returns layer's unclipped receptive field size, jump and start.
func (n *Net) SizeOf(layer string) (Size, error) {
	b0, err := n.region(layer, Box{0, 0, 1, 1}, nn.InputName, false)
	if err != nil {
		return Size{}, err
	}
	b1, _ := n.region(layer, Box{1, 1, 2, 2}, nn.InputName, false)
	return Size{RH: b0.H(), RW: b0.W(), JumpY: b1.Y0 - b0.Y0, JumpX: b1.X0 - b0.X0, StartY: b0.Y0, StartX: b0.X0}, nil
}
