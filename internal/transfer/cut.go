// Package transfer builds and trains transfer-learning models, as the
// Keras book's "using a pretrained convnet" (Chollet, Deep Learning with
// Python, §5.3) and keras.io/guides/transfer_learning: a base model cut
// after one of its layers and frozen, a new head (global average pooling
// or Flatten, an optional Dense + Dropout, a Dense output) trained on the
// user's classes, then optionally the top of the base fine-tuned at a
// lower learning rate.
//
// The base's features can be computed once and cached (Keras' "fast
// feature extraction without data augmentation"); with augmentation on
// every batch runs through the base. Nothing here imports Fyne.
package transfer

import (
	"fmt"
	"slices"

	"github.com/convscope/convscope/nn"
)

// Head pooling choices (Options.Head).
const (
	HeadGAP     = "gap"     // GlobalAveragePooling2D
	HeadFlatten = "flatten" // Flatten
)

// Node names of the head, fixed so that they never collide with the
// base's automatic names.
const (
	headPool    = "head_pool"
	headDense   = "head_dense"
	headDropout = "head_dropout"
	headOutput  = "head_output"
)

// Options describe the cut and the new head.
type Options struct {
	// CutAfter is the base node whose output the head reads; empty means
	// the last node with a spatial (height, width, channels) output.
	CutAfter string
	// Head is HeadGAP (default) or HeadFlatten.
	Head string
	// Dense, if positive, adds a Dense(Dense, relu) layer, then
	// Dropout(Dropout) if Dropout > 0.
	Dense   int
	Dropout float64
	// Classes is the number of classes (at least 2): 2 gives one sigmoid
	// unit, more a softmax.
	Classes int
	// Seed initialises the head's weights (and its Dropout's masks).
	Seed int64
}

// Model is a base cut and frozen with a new head. Base and Head are
// separate graphs (the head reads the base's features), so that features
// can be cached; Full is the two joined (what is saved, shown and
// fine-tuned). SyncFull copies the trained head into Full.
type Model struct {
	Base, Head, Full *nn.Graph
	// CutAfter is the base node the head reads.
	CutAfter string
	// BaseNodes are the base's nodes kept, in topological order.
	BaseNodes []string
	Options   Options
}

// DefaultCut returns the last node of g (in topological order) whose
// output is spatial (height, width, channels), or an error if none is.
func DefaultCut(g *nn.Graph) (string, error) {
	nodes := g.Nodes()
	for i := len(nodes) - 1; i >= 0; i-- {
		if s := nodes[i].OutputShape; len(s) == 3 && (s[0] > 1 || s[1] > 1) {
			return nodes[i].Name, nil
		}
	}
	return "", fmt.Errorf("transfer: the base has no layer with a spatial output (height, width, channels) to cut after")
}

// New cuts base after o.CutAfter and adds the head. The base's weights are
// copied (base itself is not changed); the head's are initialised with
// o.Seed (Glorot-uniform kernels, zero biases).
func New(base *nn.Graph, o Options) (*Model, error) {
	if o.Classes < 2 {
		return nil, fmt.Errorf("transfer: expected at least 2 classes, received %d", o.Classes)
	}
	if o.Head == "" {
		o.Head = HeadGAP
	}
	if o.Head != HeadGAP && o.Head != HeadFlatten {
		return nil, fmt.Errorf("transfer: head: expected %q or %q, received %q", HeadGAP, HeadFlatten, o.Head)
	}
	if o.Dense < 0 || o.Dropout < 0 || o.Dropout >= 1 {
		return nil, fmt.Errorf("transfer: expected dense ≥ 0 and dropout in [0, 1), received %d and %g", o.Dense, o.Dropout)
	}
	if o.CutAfter == "" {
		c, err := DefaultCut(base)
		if err != nil {
			return nil, err
		}
		o.CutAfter = c
	}
	cut, ok := base.Node(o.CutAfter)
	if !ok {
		return nil, fmt.Errorf("transfer: cut after: %q is not a layer of the base (layers: %s)", o.CutAfter, nodeList(base))
	}
	if o.Head == HeadGAP && len(cut.OutputShape) != 3 {
		return nil, fmt.Errorf("transfer: global average pooling needs a spatial output; %q gives %v (use --head flatten)", o.CutAfter, cut.OutputShape)
	}
	arch := base.Arch()
	keep := ancestors(arch, o.CutAfter)
	baseArch := nn.GraphArch{Name: arch.Name, InputShape: arch.InputShape, Outputs: []string{o.CutAfter}}
	m := &Model{CutAfter: o.CutAfter, Options: o}
	for _, n := range arch.Nodes {
		if keep[n.Layer.Name] {
			baseArch.Nodes = append(baseArch.Nodes, n)
			m.BaseNodes = append(m.BaseNodes, n.Layer.Name)
		}
	}
	var err error
	if m.Base, err = baseArch.Build(); err != nil {
		return nil, fmt.Errorf("transfer: base: %w", err)
	}
	if err := copyWeights(m.Base, base.Weights()); err != nil {
		return nil, err
	}
	headArch := headArch(cut.OutputShape, o)
	if m.Head, err = headArch.Build(); err != nil {
		return nil, fmt.Errorf("transfer: head: %w", err)
	}
	m.Head.Init(o.Seed)
	full := baseArch
	full.Name = "transfer"
	full.Nodes = slices.Clone(baseArch.Nodes)
	for _, n := range headArch.Nodes {
		n.Inputs = slices.Clone(n.Inputs)
		for i, in := range n.Inputs {
			if in == nn.GraphInput {
				n.Inputs[i] = o.CutAfter
			}
		}
		full.Nodes = append(full.Nodes, n)
	}
	full.Outputs = []string{headOutput}
	if m.Full, err = full.Build(); err != nil {
		return nil, fmt.Errorf("transfer: model: %w", err)
	}
	if err := copyWeights(m.Full, m.Base.Weights()); err != nil {
		return nil, err
	}
	if err := m.SyncFull(); err != nil {
		return nil, err
	}
	for _, name := range m.BaseNodes {
		if err := m.Full.SetTrainable(name, false); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// headArch is the head as a graph reading features of the given shape.
func headArch(feat []int, o Options) nn.GraphArch {
	a := nn.GraphArch{Name: "head", InputShape: slices.Clone(feat)}
	prev := nn.GraphInput
	add := func(c nn.LayerConfig) {
		a.Nodes = append(a.Nodes, nn.GraphNode{Layer: c, Inputs: []string{prev}})
		prev = c.Name
	}
	if len(feat) == 3 || o.Head == HeadFlatten {
		if o.Head == HeadGAP {
			add(nn.LayerConfig{ClassName: "GlobalAveragePooling2D", Name: headPool})
		} else {
			add(nn.LayerConfig{ClassName: "Flatten", Name: headPool})
		}
	}
	if o.Dense > 0 {
		add(nn.LayerConfig{ClassName: "Dense", Name: headDense, Units: o.Dense, Activation: "relu"})
		if o.Dropout > 0 {
			add(nn.LayerConfig{ClassName: "Dropout", Name: headDropout, Rate: o.Dropout})
		}
	}
	units, act := o.Classes, "softmax"
	if o.Classes == 2 {
		units, act = 1, "sigmoid"
	}
	add(nn.LayerConfig{ClassName: "Dense", Name: headOutput, Units: units, Activation: act})
	a.Outputs = []string{prev}
	return a
}

// ancestors returns the named node and every node it reads, directly or not.
func ancestors(a nn.GraphArch, name string) map[string]bool {
	inputs := map[string][]string{}
	for _, n := range a.Nodes {
		inputs[n.Layer.Name] = n.Inputs
	}
	keep := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		if n == nn.GraphInput || keep[n] {
			return
		}
		keep[n] = true
		for _, in := range inputs[n] {
			visit(in)
		}
	}
	visit(name)
	return keep
}

// copyWeights copies every weight of src into the weight of dst with the
// same name; each of dst's weights must be found, with the same shape.
func copyWeights(dst *nn.Graph, src []*nn.Param) error {
	by := map[string]*nn.Param{}
	for _, p := range src {
		by[p.Name] = p
	}
	for _, p := range dst.Weights() {
		q := by[p.Name]
		if q == nil {
			continue
		}
		if !slices.Equal(p.Shape, q.Shape) {
			return fmt.Errorf("transfer: weight %s: expected shape %v, received %v", p.Name, p.Shape, q.Shape)
		}
		copy(p.Value, q.Value)
	}
	dst.WeightsChanged() // written directly: drop packed kernels (nn.Engine.PackWeights)
	return nil
}

// SyncFull copies the head's weights into Full.
func (m *Model) SyncFull() error { return copyWeights(m.Full, m.Head.Weights()) }

// Binary reports whether the head has one sigmoid output (two classes).
func (m *Model) Binary() bool { return m.Options.Classes == 2 }

// Loss is the head's loss: binary cross-entropy for two classes, sparse
// categorical cross-entropy (targets are class indices) for more.
func (m *Model) Loss() nn.Loss {
	if m.Binary() {
		return nn.BinaryCrossentropy{}
	}
	return nn.SparseCategoricalCrossentropy{}
}

func nodeList(g *nn.Graph) string {
	var names []string
	for _, n := range g.Nodes() {
		names = append(names, n.Name)
	}
	if len(names) > 12 {
		names = append(names[:12], "…")
	}
	return fmt.Sprint(names)
}
