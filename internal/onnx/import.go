package onnx

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/convscope/convscope/nn"
)

// Opset range the importer supports (default ai.onnx domain).
const (
	MinOpset = 7
	MaxOpset = 18
)

// maxInputValues bounds the values of one input sample (64 Mi, a
// 4096×4096×4 image), so a tiny file cannot make a forward pass allocate
// terabytes.
const maxInputValues = 1 << 26

// layout says how an ONNX value's dimensions map onto the engine's NHWC
// tensors.
type layout uint8

const (
	nchw layout = iota // ONNX (N, C, H, W); engine (H, W, C)
	nhwc               // ONNX (N, H, W, C) (TensorFlow exporters); engine (H, W, C)
	flat               // ONNX (N, F); engine (F,), feature i at perm[i]
)

// value is what the importer knows about one ONNX value: a constant, or the
// output of an engine node with its ONNX shape and layout.
type value struct {
	k     *Tensor // a constant (initializer, Constant, or folded)
	node  string  // the engine node computing it (nn.GraphInput for the input)
	shape []int   // ONNX shape, batch (1) included
	lay   layout
	// perm maps ONNX feature i of a flat value to the engine's feature
	// perm[i] (a Flatten of NCHW data orders features c, h, w; the engine's
	// Flatten h, w, c); nil is the identity.
	perm []int
	// nnShape is the engine's per-sample shape: normally the ONNX shape
	// reordered by lay, but (C,) after GlobalAveragePool's (N, C, 1, 1).
	nnShape []int
	// dense is set when the value is a Dense node's output that a following
	// Add may fold its bias into.
	dense *pendingDense
	// activated is set on a Conv's value whose engine node also applies
	// the activation that reads it (ImportOptions.FuseActivations).
	activated bool
	// folded is set on a MatMul's value whose engine node also adds the
	// bias of the Add that follows it.
	folded bool
	// gate is set on a Sigmoid's or HardSigmoid's value that the Mul
	// reading it computes as one SiLU or HardSwish node (planGates): it
	// has no engine node of its own.
	gate bool
}

// pendingDense is a Dense layer whose bias is set after Build.
type pendingDense struct {
	layer *nn.Dense
	bias  []float32
}

// importer converts one Model.
type importer struct {
	m      *Model
	opset  int64
	g      *nn.Graph
	vals   map[string]*value
	uses   map[string]int  // ONNX value name → number of node inputs reading it
	names  map[string]bool // engine node names taken
	fixups []func() error  // weight copies, run after Build
	// fuse maps a Conv node to the activation ("relu", "relu6") of the
	// one node reading it, computed by the Conv2D itself (fuse.go).
	fuse  map[*Node]string
	fused map[*Node]bool // activation nodes folded into their Conv
	// foldBN maps a Conv to the BatchNormalization folded into its weights.
	foldBN   map[*Node]*Node
	foldedBN map[*Node]*Node // and back
	// gate maps a Mul of x by Sigmoid(x) or HardSigmoid(x) to the layer
	// computing both ("silu", "hardswish"); gated marks those activations
	// (import_mul.go).
	gate  map[*Node]string
	gated map[*Node]bool
}

// Import converts a decoded model to an engine graph (NHWC, Keras weight
// layouts), built and with the file's weights.
func Import(m *Model) (*nn.Graph, error) {
	return ImportWith(m, ImportOptions{})
}

// ImportOptions tune the conversion.
type ImportOptions struct {
	// FuseActivations computes a Relu or Clip(0, 6) that is the only reader
	// of a Conv inside the Conv2D (its activation), saving a pass over the
	// feature map. The Conv's pre-activation output is then not kept: the
	// fused node, named after the Conv, outputs the activation's values.
	// It also makes x·Sigmoid(x) one SiLU node and x·HardSigmoid(x) (alpha
	// 1/6, beta 1/2) one HardSwish node, named after the Mul.
	FuseActivations bool
	// FoldBatchNorm folds an inference BatchNormalization that is the only
	// reader of a Conv into the Conv's weights and bias, as PyTorch's eval
	// export does (outputs agree to float32 rounding, about 1e-6 relative).
	FoldBatchNorm bool
}

// ImportWith is Import with options.
func ImportWith(m *Model, opts ImportOptions) (*nn.Graph, error) {
	im, err := importModel(m, opts)
	if err != nil {
		return nil, err
	}
	return im.g, nil
}

// importModel converts m and returns the importer, whose vals map every
// ONNX value to its engine node (tests compare them with references).
func importModel(m *Model, opts ImportOptions) (*importer, error) {
	op := m.Opset()
	if op == 0 {
		return nil, errors.New("onnx: the model imports no ai.onnx operator set")
	}
	if op < MinOpset || op > MaxOpset {
		return nil, fmt.Errorf("onnx: opset %d: expected an opset from %d to %d", op, MinOpset, MaxOpset)
	}
	im := &importer{m: m, opset: op, vals: map[string]*value{}, uses: map[string]int{}, names: map[string]bool{nn.GraphInput: true}}
	for _, t := range m.Graph.Initializers {
		if t.External {
			return nil, fmt.Errorf("onnx: tensor %q is stored in an external data file (%q): re-save the model with its weights inside (onnx.save_model(m, path, save_as_external_data=False))", t.Name, t.Location)
		}
		im.vals[t.Name] = &value{k: t}
	}
	if err := im.input(); err != nil {
		return nil, err
	}
	nodes, err := im.order()
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		for _, in := range n.Inputs {
			im.uses[in]++
		}
	}
	for _, o := range m.Graph.Outputs {
		im.uses[o.Name]++
	}
	im.planFusion(nodes, opts)
	for _, n := range nodes {
		if err := im.node(n); err != nil {
			return nil, err
		}
	}
	if err := im.finish(); err != nil {
		return nil, err
	}
	return im, nil
}

// input sets up the graph's one runtime input.
func (im *importer) input() error {
	var ins []ValueInfo
	for _, in := range im.m.Graph.Inputs {
		if im.vals[in.Name] == nil { // IR < 4 lists initializers as inputs too
			ins = append(ins, in)
		}
	}
	if len(ins) != 1 {
		names := make([]string, len(ins))
		for i, in := range ins {
			names[i] = fmt.Sprintf("%q", in.Name)
		}
		return fmt.Errorf("onnx: expected a model with 1 input, received %d (%s)", len(ins), strings.Join(names, ", "))
	}
	in := ins[0]
	if in.ElemType != TypeFloat {
		return fmt.Errorf("onnx: input %q: expected float32 data, received %s", in.Name, typeName(in.ElemType))
	}
	if in.Shape == nil {
		return fmt.Errorf("onnx: input %q has no shape: expected (N, C, H, W) with fixed C, H, W", in.Name)
	}
	if len(in.Shape) != 4 && len(in.Shape) != 2 {
		return fmt.Errorf("onnx: input %q: expected an image input (N, C, H, W) or features (N, F), received rank %d", in.Name, len(in.Shape))
	}
	if b := in.Shape[0]; b.Param == "" && b.Value > 1 {
		return fmt.Errorf("onnx: input %q: batch dimension %d: expected 1 or a dynamic batch (the engine runs any batch size)", in.Name, b.Value)
	}
	shape := []int{1}
	for i, d := range in.Shape[1:] {
		if !d.Known() {
			what := d.Param
			if what == "" {
				what = "unknown"
			}
			return fmt.Errorf("onnx: input %q: dimension %d is dynamic (%s): expected fixed channel and spatial sizes; re-export with a fixed input size", in.Name, i+1, what)
		}
		if d.Value > 1<<20 {
			return fmt.Errorf("onnx: input %q: dimension %d is %d: expected at most 1048576", in.Name, i+1, d.Value)
		}
		shape = append(shape, int(d.Value))
	}
	if prod(shape) > maxInputValues {
		return fmt.Errorf("onnx: input %q: shape %v has %d values per sample: expected at most %d", in.Name, shape, prod(shape), maxInputValues)
	}
	v := &value{node: nn.GraphInput, shape: shape}
	switch {
	case len(shape) == 2:
		v.lay, v.nnShape = flat, []int{shape[1]}
	case im.nhwcInput(in.Name):
		v.lay, v.nnShape = nhwc, shape[1:]
	default:
		v.lay, v.nnShape = nchw, []int{shape[2], shape[3], shape[1]}
	}
	im.vals[in.Name] = v
	im.g = nn.NewGraph(v.nnShape)
	if im.m.Graph.Name != "" {
		im.g.SetName(im.m.Graph.Name)
	}
	return nil
}

// nhwcInput reports whether every reader of the input transposes it from
// NHWC to NCHW, as TensorFlow exporters write.
func (im *importer) nhwcInput(name string) bool {
	readers := 0
	for _, n := range im.m.Graph.Nodes {
		if !slices.Contains(n.Inputs, name) {
			continue
		}
		readers++
		a := n.Attr("perm")
		if n.OpType != "Transpose" || a == nil || !slices.Equal(a.Ints, []int64{0, 3, 1, 2}) {
			return false
		}
	}
	return readers > 0
}

// finish builds the graph, copies the weights in and checks shapes.
func (im *importer) finish() error {
	var outs []string
	for i, o := range im.m.Graph.Outputs {
		v := im.vals[o.Name]
		switch {
		case v == nil:
			return fmt.Errorf("onnx: output %q is not computed by any node", o.Name)
		case v.k != nil:
			return fmt.Errorf("onnx: output %q is a constant: expected a value computed from the input", o.Name)
		case v.node == nn.GraphInput:
			return fmt.Errorf("onnx: output %q is the input itself: expected at least one layer", o.Name)
		}
		if i == 0 && len(v.perm) > 0 && !identity(v.perm) {
			return fmt.Errorf("onnx: output %q is a flattened NCHW tensor: its features would come out in NHWC order", o.Name)
		}
		outs = append(outs, v.node)
	}
	if len(outs) == 0 {
		return errors.New("onnx: the graph has no outputs")
	}
	im.g.SetOutputs(outs...)
	// The file's weights bound what Build may allocate: every kernel the
	// engine builds is filled from an initializer, so a node declaring more
	// (a huge kernel_shape, say) is refused before anything is allocated.
	im.g.SetLimits(im.initializerValues())
	if err := im.g.Build(); err != nil {
		return fmt.Errorf("onnx: %w", err)
	}
	for _, f := range im.fixups {
		if err := f(); err != nil {
			return err
		}
	}
	shapes := map[string][]int{}
	for _, info := range im.g.Nodes() {
		shapes[info.Name] = info.OutputShape
	}
	for name, v := range im.vals {
		if v.k == nil && v.node != nn.GraphInput && !slices.Equal(shapes[v.node], v.nnShape) {
			return fmt.Errorf("onnx: value %q: the engine computes shape %v where ONNX gives %v (internal error)", name, shapes[v.node], v.shape)
		}
	}
	return nil
}

func identity(p []int) bool {
	for i, v := range p {
		if i != v {
			return false
		}
	}
	return true
}

// add inserts an engine layer computing ONNX node n's first output from the
// engine nodes ins, named after n.
func (im *importer) add(n *Node, l nn.LayerBase, ins ...string) (string, error) {
	name := n.Name
	if name == "" && len(n.Outputs) > 0 {
		name = n.Outputs[0]
	}
	if name == "" {
		name = n.OpType
	}
	base := name
	for i := 2; im.names[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	im.names[name] = true
	l.SetName(name)
	got, err := im.g.Add(l, ins...)
	if err != nil {
		return "", im.errf(n, "%v", err)
	}
	return got, nil
}

// errf formats an error about node n.
func (im *importer) errf(n *Node, format string, args ...any) error {
	return fmt.Errorf("onnx: node %q (%s): %s", n.Name, printable(n.OpType), fmt.Sprintf(format, args...))
}

// printable returns s as is, or quoted when it holds control characters, so
// that an error stays on one line (a newline in an op type, found by
// FuzzRead).
func printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 {
		return strconv.Quote(s)
	}
	return s
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// initializerValues counts the values of the model's initializers (whose
// sizes the reader has checked against the bytes in the file).
func (im *importer) initializerValues() int64 {
	var n int64
	for _, t := range im.m.Graph.Initializers {
		c := int64(1)
		for _, d := range t.Dims {
			c *= max(d, 0)
		}
		n += c
	}
	return n
}
