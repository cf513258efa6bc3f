package nn

import (
	"fmt"
	"math/rand"
)

// GraphInput is the name by which a Graph's nodes refer to the graph's
// input (Keras: the InputLayer's name).
const GraphInput = "input"

// Graph is a model whose layers form a directed acyclic graph, as a Keras
// functional model (keras.Model(inputs, outputs)): every node applies one
// layer to the outputs of earlier nodes (or to the graph's input), and one
// or more nodes are the model's outputs. Nodes run in topological order and
// every node's output is kept, so the activation of any layer is available
// after a forward pass at no extra cost.
//
// Building a graph:
//
//	g := nn.NewGraph([]int{32, 32, 3})
//	a, _ := g.Add(nn.NewConv2D(16, 3, 3, nn.WithPadding("same")), nn.GraphInput)
//	b, _ := g.Add(nn.NewConv2D(16, 3, 3, nn.WithPadding("same")), a)
//	s, _ := g.Add(nn.NewAdd(), a, b)       // a residual connection
//	g.Add(nn.NewGlobalAveragePooling2D(), s)
//	err := g.Build()                        // order, shapes, weights
//
// Add records a node; Build orders the nodes, rejects cycles and inputs
// that name no node, infers every shape (errors say "expected …, received
// …") and initialises the weights with seed 0. A node may be added before
// the nodes it reads (as an ONNX file may list them).
//
// A Graph is not safe for concurrent use.
type Graph struct {
	name    string
	input   []int
	nodes   []*node // in Add order
	byName  map[string]*node
	outputs []string // requested outputs; nil = every node nothing reads
	counts  map[string]int

	built   bool
	order   []*node // topological order
	outs    []*node // output nodes
	params  []*Param
	weights []*Param

	inNode   *node // the graph's input, as a pseudo-node (not in order)
	outTs    []*Tensor
	swapped  [][]float32 // Param.Grad slices set aside by SkipWeights
	skipBuf  []float32   // where Param.Grad points during SkipWeights
	skipping bool
	batch    int

	eng     Engine     // how the layers compute (SetEngine)
	dy1     [1]*Tensor // Backward's argument as a slice, without allocating
	from    []*node    // BackwardWith's From nodes, reused
	acts    []*Tensor  // Activations' result, reused
	lean    *leanPlan  // Predict's reused buffers (graph_lean.go)
	adopted bool       // the layers are built already (Sequential.Graph): Build keeps them
	limited bool       // Build checks budget and the kept outputs' size (SetLimits)
	budget  int64      // weights a model file holds (Build refuses more)
	spent   float64    // weights counted against budget so far
	filled  bool       // Build draws no initial weights: a model file fills them all next (loadGraph)
}

// node is one layer application in a Graph.
type node struct {
	name   string
	layer  Layer      // single-input layers
	merge  MergeLayer // multi-input layers
	inputs []string
	addIdx int
	frozen bool // SetTrainable(name, false): inference mode, no trainable params

	// Set by Build.
	in        []*node  // Graph.inNode stands for the graph input
	shape     []int    // per-sample output shape
	params    []*Param // the layer's Params (trainable weights)
	consumers int      // number of (node, input) pairs that read this node
	isOutput  bool
	fusedPool *node     // a MaxPooling2D run fused with this Conv2D
	fusedInto *node     // the Conv2D this pooling node is fused with
	fuser     poolFuser // layer as a poolFuser when fusedPool != nil
	actInto   *node     // an activation node computed with this Conv2D (conv2d_postact.go)
	actFrom   *node     // the Conv2D this activation node is computed with
	resConv   *node     // Add: the Conv2D computed with it (conv2d_residual.go)
	resAct    *node     // Add: the activation node computed with it
	resSkip   bool      // a Conv2D or activation computed at its Add's position
	leanPool  *node     // Predict: a MaxPooling2D computed with this stem Conv2D (conv_stem_pool.go)
	leanFrom  *node     // Predict: the stem Conv2D this pooling node is computed with
	leanRan   bool      // the last Predict computed leanPool with this node

	// Buffers, sized for Graph.batch.
	out        *Tensor
	grad, acc  *Tensor   // dLoss/d(out), and scratch to sum several consumers'
	xs, dxs    []*Tensor // merge layers' arguments, reused
	written    bool      // grad holds a contribution in the running Backward
	reached    bool      // the running Backward gives this node's output a gradient
	useful     bool      // ... and that gradient is wanted (weights, input, StopAt)
	descendant bool      // the node reads BackwardOptions.StopAt, directly or not
	source     bool      // one of BackwardOptions.From
}

func (n *node) base() LayerBase {
	if n.merge != nil {
		return n.merge
	}
	return n.layer
}

// NewGraph returns an empty graph for per-sample inputs of the given shape,
// e.g. (224, 224, 3).
func NewGraph(inputShape []int) *Graph {
	return &Graph{name: "model", input: append([]int(nil), inputShape...), byName: map[string]*node{}, counts: map[string]int{}}
}

// Name is the model's name ("model" unless SetName changed it).
func (g *Graph) Name() string { return g.name }

// SetName sets the model's name, as printed by Summary.
func (g *Graph) SetName(name string) { g.name = name }

// InputShape returns the per-sample input shape.
func (g *Graph) InputShape() []int { return g.input }

// Add appends a node applying layer l (a Layer, or a MergeLayer such as
// Add or Concatenate) to the outputs of the named nodes, or to the graph's
// input (GraphInput), and returns the node's name: the layer's own name, or
// for an unnamed layer Keras' automatic one (conv2d_1, add_2, …), which Add
// gives the layer. A Layer takes exactly one input, a MergeLayer at least
// two. The named inputs need not exist yet; Build checks them. It is an
// error to add a layer twice or to reuse a name.
func (g *Graph) Add(l LayerBase, inputs ...string) (string, error) {
	if l == nil {
		return "", fmt.Errorf("nn: graph: Add: expected a layer, received nil")
	}
	if g.adopted {
		return "", fmt.Errorf("nn: graph: Add: the graph is a view of a Sequential model (Sequential.Graph); use ToGraph for a graph to extend")
	}
	n := &node{inputs: append([]string(nil), inputs...), addIdx: len(g.nodes)}
	switch v := l.(type) {
	case MergeLayer:
		n.merge = v
		if len(inputs) < 2 {
			return "", fmt.Errorf("nn: graph: %s expects at least 2 inputs, received %d", l.Kind(), len(inputs))
		}
	case Layer:
		n.layer = v
		if len(inputs) != 1 {
			return "", fmt.Errorf("nn: graph: %s expects 1 input, received %d", l.Kind(), len(inputs))
		}
	default:
		return "", fmt.Errorf("nn: graph: Add: %s is neither a Layer nor a MergeLayer", l.Kind())
	}
	for _, o := range g.nodes {
		if o.base() == l {
			return "", fmt.Errorf("nn: graph: layer %q is already in the graph (add a new layer for each node)", l.Name())
		}
	}
	if l.Name() == "" {
		base := snakeCase(l.Kind())
		for {
			g.counts[base]++
			name := fmt.Sprintf("%s_%d", base, g.counts[base])
			if g.byName[name] == nil && name != GraphInput {
				l.SetName(name)
				break
			}
		}
	}
	name := l.Name()
	if name == GraphInput {
		return "", fmt.Errorf("nn: graph: the name %q is reserved for the graph's input", GraphInput)
	}
	if g.byName[name] != nil {
		return "", fmt.Errorf("nn: graph: a node named %q already exists", name)
	}
	n.name = name
	g.nodes = append(g.nodes, n)
	g.byName[name] = n
	g.built = false
	return name, nil
}

// SetOutputs chooses the model's outputs, in order. By default (no call,
// or no names) the outputs are the nodes no other node reads, in the order
// they were added.
func (g *Graph) SetOutputs(names ...string) {
	g.outputs = append([]string(nil), names...)
	g.built = false
}

// SetEngine makes every layer of g compute with e (see Engine); the zero
// Engine is the default. Call it between passes, not during one (after
// Build it also applies to layers added later, at the next Build).
func (g *Graph) SetEngine(e Engine) {
	g.eng = e
	for _, n := range g.nodes {
		if u, ok := n.base().(engineUser); ok {
			u.setEngine(e)
		}
	}
	if g.built {
		g.planFusion() // the direct path, hence fusion, depends on the BLAS
	}
}

// Engine returns the Engine g computes with.
func (g *Graph) Engine() Engine { return g.eng }

// SetLimits makes the next Builds refuse, with an error naming the node,
// a graph whose layers would allocate more than weights values of weights
// in total, or whose kept outputs would exceed 2^28 values per sample: for
// graphs described by a file (a model file, ONNX, Keras), where sizes come
// from data and must not be able to make Build or the first Forward
// allocate gigabytes. Call it before Build with the number of weight values
// the file holds.
func (g *Graph) SetLimits(weights int64) {
	g.limited, g.budget = true, weights
}

// Init draws fresh weights with the given seed (Glorot-uniform kernels,
// zero biases, BatchNormalization's ones and zeros: Keras' defaults).
func (g *Graph) Init(seed int64) { g.init(seed, true) }

// init is Init; with draw false it only seeds the layers that draw at run
// time (Dropout) and leaves the weights as they are.
func (g *Graph) init(seed int64, draw bool) {
	var rng *rand.Rand
	if draw {
		rng = rand.New(rand.NewSource(seed))
	}
	for i, n := range g.order {
		l := n.base()
		if in, ok := l.(Initializer); ok && draw {
			in.Init(rng)
		}
		if s, ok := l.(Seeder); ok {
			s.Seed(seed + int64(i) + 1)
		}
	}
}
