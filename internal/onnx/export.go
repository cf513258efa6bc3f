package onnx

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/convscope/convscope/internal/atomicfile"
	"github.com/convscope/convscope/nn"
)

// ExportOpset is the opset the exporter writes (14 when the model has a
// HardSwish, which opset 13 lacks).
const ExportOpset = 13

// xnode is one engine node as the exporter sees it.
type xnode struct {
	name    string
	layer   nn.LayerBase
	inputs  []string // engine node names (nn.GraphInput for the input)
	inShape []int    // per-sample shape of the first input
	shape   []int    // per-sample output shape
}

// xvalue is an exported ONNX value: its name, and for a flattened NCHW
// image the engine feature index of each ONNX feature.
type xvalue struct {
	name  string
	shape []int // engine per-sample shape
	perm  []int
}

// exporter builds one ModelProto.
type exporter struct {
	g     Graph
	vals  map[string]xvalue
	opset int64
	names map[string]bool
}

// exportProducer is the producer_name Convscope writes; only its files
// have their metadata_props preprocessing read back (recordedPreprocessing).
const exportProducer = "convscope"

// ExportGraph converts a built graph to an ONNX model (NCHW, opset 13 or
// 14), with meta's class names and preprocessing in metadata_props.
func ExportGraph(g *nn.Graph, meta nn.Metadata) (*Model, error) {
	var nodes []xnode
	shapes := map[string][]int{nn.GraphInput: g.InputShape()}
	for _, info := range g.Nodes() {
		shapes[info.Name] = info.OutputShape
	}
	for _, info := range g.Nodes() {
		nodes = append(nodes, xnode{name: info.Name, layer: info.Layer, inputs: info.Inputs, inShape: shapes[info.Inputs[0]], shape: info.OutputShape})
	}
	return export(g.Name(), g.InputShape(), nodes, g.OutputNames(), meta)
}

// ExportSequential converts a built Sequential model to an ONNX model.
func ExportSequential(m *nn.Sequential, meta nn.Metadata) (*Model, error) {
	var nodes []xnode
	prev, in := nn.GraphInput, m.InputShape()
	for i, l := range m.Layers() {
		nodes = append(nodes, xnode{name: l.Name(), layer: l, inputs: []string{prev}, inShape: in, shape: m.LayerOutputShape(i)})
		prev, in = l.Name(), m.LayerOutputShape(i)
	}
	return export(m.Name(), m.InputShape(), nodes, []string{prev}, meta)
}

// WriteFile writes model atomically.
func WriteFile(path string, model *Model) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(model.Marshal())
		return err
	})
}

func export(name string, in []int, nodes []xnode, outputs []string, meta nn.Metadata) (*Model, error) {
	e := &exporter{vals: map[string]xvalue{}, opset: ExportOpset, names: map[string]bool{}}
	e.g.Name = name
	if name == "" {
		e.g.Name = "model"
	}
	input := ValueInfo{Name: "input", ElemType: TypeFloat}
	switch len(in) {
	case 3:
		input.Shape = []Dim{{Param: "N"}, {Value: int64(in[2])}, {Value: int64(in[0])}, {Value: int64(in[1])}}
	case 1:
		input.Shape = []Dim{{Param: "N"}, {Value: int64(in[0])}}
	default:
		return nil, fmt.Errorf("onnx: export: expected an input of rank 3 (H, W, C) or 1, received %v", in)
	}
	e.g.Inputs = []ValueInfo{input}
	e.vals[nn.GraphInput] = xvalue{name: "input", shape: in}
	e.names["input"] = true
	for _, n := range nodes {
		if err := e.node(n); err != nil {
			return nil, fmt.Errorf("onnx: export: layer %q (%s): %w", n.name, n.layer.Kind(), err)
		}
	}
	for _, o := range outputs {
		v := e.vals[o]
		if v.perm != nil {
			return nil, fmt.Errorf("onnx: export: output %q is a flattened image: ONNX would order its features (c, h, w)", o)
		}
		vi := ValueInfo{Name: v.name, ElemType: TypeFloat, Shape: []Dim{{Param: "N"}}}
		for _, d := range nchwDims(v.shape) {
			vi.Shape = append(vi.Shape, Dim{Value: int64(d)})
		}
		e.g.Outputs = append(e.g.Outputs, vi)
	}
	m := &Model{IRVersion: 8, ProducerName: exportProducer, Opsets: map[string]int64{"": e.opset}, Graph: e.g}
	m.Metadata = exportMeta(meta)
	return m, nil
}

// nchwDims orders an engine per-sample shape as ONNX's (C, H, W).
func nchwDims(s []int) []int {
	if len(s) == 3 {
		return []int{s[2], s[0], s[1]}
	}
	return s
}

// exportMeta records the class names and preprocessing in metadata_props.
func exportMeta(meta nn.Metadata) []KeyValue {
	var kv []KeyValue
	if len(meta.ClassNames) > 0 {
		b, _ := json.Marshal(meta.ClassNames)
		kv = append(kv, KeyValue{"class_names", string(b)})
	}
	if meta.Rescale != 0 {
		kv = append(kv, KeyValue{"rescale", fmt.Sprint(meta.Rescale)})
	}
	if len(meta.Mean) > 0 {
		m, _ := json.Marshal(meta.Mean)
		s, _ := json.Marshal(meta.Std)
		kv = append(kv, KeyValue{"mean", string(m)}, KeyValue{"std", string(s)})
	}
	if meta.Interpolation != "" {
		kv = append(kv, KeyValue{"interpolation", meta.Interpolation})
	}
	return kv
}

// unique returns name, or name_2, name_3, … if taken, and takes it.
func (e *exporter) unique(name string) string {
	out := name
	for i := 2; e.names[out]; i++ {
		out = fmt.Sprintf("%s_%d", name, i)
	}
	e.names[out] = true
	return out
}

// emit appends an ONNX node reading ins and returns its output name.
func (e *exporter) emit(op, name string, ins []string, attrs ...*Attribute) string {
	out := e.unique(name)
	e.g.Nodes = append(e.g.Nodes, &Node{Name: out, OpType: op, Inputs: ins, Outputs: []string{out}, Attrs: attrs})
	return out
}

// init adds an initializer and returns its name.
func (e *exporter) init(name string, dims []int, data []float32) string {
	name = e.unique(name)
	t := &Tensor{Name: name, DataType: TypeFloat, Float: data}
	for _, d := range dims {
		t.Dims = append(t.Dims, int64(d))
	}
	e.g.Initializers = append(e.g.Initializers, t)
	return name
}

func (e *exporter) initInts(name string, v ...int64) string {
	name = e.unique(name)
	e.g.Initializers = append(e.g.Initializers, &Tensor{Name: name, DataType: TypeInt64, Dims: []int64{int64(len(v))}, Int64: v})
	return name
}

func intsAttr(name string, v ...int) *Attribute {
	a := &Attribute{Name: name, Type: AttrInts}
	for _, x := range v {
		a.Ints = append(a.Ints, int64(x))
	}
	return a
}

func intAttr(name string, v int) *Attribute {
	return &Attribute{Name: name, Type: AttrInt, I: int64(v)}
}

func floatAttr(name string, v float64) *Attribute {
	return &Attribute{Name: name, Type: AttrFloat, F: float32(v)}
}

// activation appends the node of a fused activation ("linear": none).
func (e *exporter) activation(act, name, x string) (string, error) {
	switch act {
	case "", "linear":
		return x, nil
	case "relu":
		return e.emit("Relu", name+"/relu", []string{x}), nil
	case "relu6":
		lo := e.init(name+"/min", nil, []float32{0})
		hi := e.init(name+"/max", nil, []float32{6})
		return e.emit("Clip", name+"/relu6", []string{x, lo, hi}), nil
	case "sigmoid":
		return e.emit("Sigmoid", name+"/sigmoid", []string{x}), nil
	case "tanh":
		return e.emit("Tanh", name+"/tanh", []string{x}), nil
	case "softmax":
		return e.emit("Softmax", name+"/softmax", []string{x}, intAttr("axis", 1)), nil
	}
	return "", fmt.Errorf("activation %q has no ONNX equivalent", act)
}

// samePads returns Keras' "same" padding (extra pixel at the bottom/right)
// as ONNX pads (top, left, bottom, right).
func samePads(in []int, k, s, d [2]int) [4]int {
	var p [4]int
	for a := range 2 {
		out := (in[a] + s[a] - 1) / s[a]
		total := max(0, (out-1)*s[a]+(k[a]-1)*d[a]+1-in[a])
		p[a], p[a+2] = total/2, total-total/2
	}
	return p
}
