package explain

import (
	"fmt"
	"math/rand"

	"github.com/convscope/convscope/nn"
)

// graphModel adapts *nn.Graph (one output) to Randomizable. The graph
// engine has no FromLogits, so the adapter finds the logits itself from the
// output node (its "head"):
//   - an Activation or Softmax node: the logits are its input node's output,
//     and the logit gradient is injected there (BackwardOptions.From);
//   - a Dense node with a non-linear activation: z = x·W + b is recomputed
//     from its input x (float64 sums), and the gradient dz is carried
//     through the kernel by hand, dx = dz·Wᵀ, and injected at x's node;
//   - any node without an activation (linear Dense or Conv2D, pooling,
//     Add, ...): its output is the logits.
type graphModel struct {
	g     *nn.Graph
	nodes []Node
	head  nn.NodeInfo
	kind  int            // headLinear, headActivation, headDense
	src   string         // the head's input node
	dense *nn.Dense      // headDense
	dx    *nn.Tensor     // headDense: dz·Wᵀ
	geoms map[string]int // node index by name
}

const (
	headLinear = iota
	headActivation
	headDense
)

// FromGraph wraps a built graph with one output for the methods; like
// FromSequential, the explanation runs on g itself.
func FromGraph(g *nn.Graph) (Randomizable, error) {
	outs := g.OutputNames()
	if len(outs) != 1 {
		return nil, fmt.Errorf("explain: expected a graph with one output, received %d (%v)", len(outs), outs)
	}
	m := &graphModel{g: g, geoms: map[string]int{}}
	geo := map[string]Geometry{nn.GraphInput: {Jump: [2]float64{1, 1}, Known: true}}
	shapes := map[string][]int{nn.GraphInput: g.InputShape()}
	for _, info := range g.Nodes() {
		var gm Geometry
		var in []int
		if len(info.Inputs) > 0 {
			gm, in = geo[info.Inputs[0]], shapes[info.Inputs[0]]
		}
		gm = nextGeometry(gm, info.Layer.Config(), in, info.OutputShape)
		geo[info.Name], shapes[info.Name] = gm, info.OutputShape
		m.geoms[info.Name] = len(m.nodes)
		m.nodes = append(m.nodes, Node{Name: info.Name, Kind: info.Kind, Shape: info.OutputShape, HasParams: info.Params > 0, Geom: gm})
		if info.Name == outs[0] {
			m.head = info
		}
	}
	h := m.head
	act := h.Layer.Config().Activation
	switch {
	case h.Kind == "Activation" || h.Kind == "Softmax":
		m.kind, m.src = headActivation, h.Inputs[0]
	case act == "" || act == "linear":
		m.kind = headLinear
	case h.Kind == "Dense":
		d, ok := h.Layer.(*nn.Dense)
		if !ok {
			return nil, fmt.Errorf("explain: output node %s: expected *nn.Dense, received %T", h.Name, h.Layer)
		}
		m.kind, m.src, m.dense = headDense, h.Inputs[0], d
	default:
		return nil, fmt.Errorf("explain: output node %s (%s, activation %s): expected a Dense, Activation or Softmax output, or one without activation", h.Name, h.Kind, act)
	}
	return m, nil
}

func (m *graphModel) InputShape() []int               { return m.g.InputShape() }
func (m *graphModel) Nodes() []Node                   { return m.nodes }
func (m *graphModel) Forward(x *nn.Tensor) *nn.Tensor { return m.g.Forward(x, false) }
func (m *graphModel) Output(name string) *nn.Tensor   { return m.g.Output(name) }
func (m *graphModel) Grad(name string) *nn.Tensor     { return m.g.Grad(name) }

// Logits returns the head's pre-activation (see graphModel).
func (m *graphModel) Logits() (*nn.Tensor, error) {
	switch m.kind {
	case headActivation:
		return m.g.Output(m.src).Clone(), nil
	case headLinear:
		return m.g.Output(m.head.Name).Clone(), nil
	}
	x := m.g.Output(m.src)
	p := m.dense.Params()
	w := p[0].Value
	units := p[0].Shape[1]
	z := nn.NewTensor(x.Batch(), units)
	acc := make([]float64, units)
	for n := 0; n < x.Batch(); n++ {
		clear(acc)
		if len(p) > 1 {
			for j, b := range p[1].Value {
				acc[j] = float64(b)
			}
		}
		for i, v := range x.Sample(n) {
			for j, wv := range w[i*units : (i+1)*units] {
				acc[j] += float64(v) * float64(wv)
			}
		}
		for j, v := range acc {
			z.Data[n*units+j] = float32(v)
		}
	}
	return z, nil
}

// BackwardWith maps FromLogits onto the graph's From (see graphModel).
func (m *graphModel) BackwardWith(o nn.BackwardOptions, dys ...*nn.Tensor) error {
	if !o.FromLogits {
		return m.g.BackwardWith(o, dys...)
	}
	if len(dys) != 1 || len(o.From) > 0 {
		return fmt.Errorf("explain: FromLogits: expected one logit gradient and no From, received %d and %v", len(dys), o.From)
	}
	o.FromLogits = false
	dz := dys[0]
	switch m.kind {
	case headLinear:
		return m.g.BackwardWith(o, dz)
	case headActivation:
		o.From = []string{m.src}
		return m.g.BackwardWith(o, dz)
	}
	// dx = dz·Wᵀ: W is (in, units).
	p := m.dense.Params()[0]
	in, units := p.Shape[0], p.Shape[1]
	n := dz.Batch()
	shape := append([]int{n}, m.nodes[m.geoms[m.src]].Shape...)
	if m.src == nn.GraphInput {
		shape = append([]int{n}, m.g.InputShape()...)
	}
	if m.dx == nil || m.dx.Batch() != n {
		m.dx = nn.NewTensor(shape...)
	}
	for s := 0; s < n; s++ {
		g := dz.Sample(s)
		out := m.dx.Sample(s)
		for i := 0; i < in; i++ {
			var v float64
			for j, wv := range p.Value[i*units : (i+1)*units] {
				v += float64(wv) * float64(g[j])
			}
			out[i] = float32(v)
		}
	}
	o.From = []string{m.src}
	return m.g.BackwardWith(o, m.dx)
}

// SaveWeights copies every weight (BatchNormalization's statistics too).
func (m *graphModel) SaveWeights() (restore func()) { return saveParams(m.g.Weights()) }

// Randomize redraws one node's weights with its initialiser.
func (m *graphModel) Randomize(layer string, seed int64) error {
	info, ok := m.g.Node(layer)
	if !ok {
		return fmt.Errorf("explain: no node %q", layer)
	}
	in, ok := info.Layer.(nn.Initializer)
	if !ok {
		return fmt.Errorf("explain: node %s (%s) has no weights to randomise", layer, info.Kind)
	}
	in.Init(rand.New(rand.NewSource(seed)))
	return nil
}
