// Package onnx reads and writes ONNX models (onnx/onnx.proto, IR version 3
// and later) in pure Go, and converts them to and from Convscope's nn
// models.
//
// The package has three layers:
//
//   - the protobuf layer (read.go, write.go) decodes and encodes the subset
//     of ModelProto that describes a feed-forward network — graph, nodes,
//     attributes, initializers, inputs and outputs with their shapes, opset
//     imports and metadata_props — into the plain Go structs of this file;
//   - the importer (import*.go) turns that IR into an nn.Graph in NHWC
//     layout with Keras weight layouts;
//   - the exporter (export*.go) writes an nn model as an opset-13 ModelProto.
//
// Field numbers follow onnx/onnx.proto (ONNX 1.12). The reader checks every
// length against the bytes present before it allocates, so a corrupt or
// malicious file produces an error, never a panic or a huge allocation.
package onnx

// Data types of TensorProto.DataType that the reader decodes.
const (
	TypeFloat   = 1
	TypeUint8   = 2
	TypeInt8    = 3
	TypeInt32   = 6
	TypeInt64   = 7
	TypeBool    = 9
	TypeFloat16 = 10
	TypeDouble  = 11
)

// Attribute types (AttributeProto.AttributeType).
const (
	AttrFloat   = 1
	AttrInt     = 2
	AttrString  = 3
	AttrTensor  = 4
	AttrGraph   = 5
	AttrFloats  = 6
	AttrInts    = 7
	AttrStrings = 8
	AttrTensors = 9
)

// Model is a decoded ModelProto.
type Model struct {
	IRVersion       int64
	ProducerName    string
	ProducerVersion string
	// Opsets maps an operator-set domain ("" is the default ai.onnx domain)
	// to its imported version.
	Opsets map[string]int64
	// Metadata holds metadata_props in file order.
	Metadata []KeyValue
	Graph    Graph
}

// KeyValue is a StringStringEntryProto.
type KeyValue struct{ Key, Value string }

// Opset returns the imported version of the default (ai.onnx) domain, or 0.
func (m *Model) Opset() int64 {
	if v, ok := m.Opsets[""]; ok {
		return v
	}
	return m.Opsets["ai.onnx"]
}

// Meta returns the value of metadata_props key k and whether it is present.
func (m *Model) Meta(k string) (string, bool) {
	for _, kv := range m.Metadata {
		if kv.Key == k {
			return kv.Value, true
		}
	}
	return "", false
}

// Graph is a decoded GraphProto.
type Graph struct {
	Name         string
	Nodes        []*Node
	Initializers []*Tensor
	Inputs       []ValueInfo
	Outputs      []ValueInfo
	ValueInfo    []ValueInfo
}

// Node is a decoded NodeProto.
type Node struct {
	Name    string
	OpType  string
	Domain  string
	Inputs  []string
	Outputs []string
	Attrs   []*Attribute
}

// Attr returns the attribute called name, or nil.
func (n *Node) Attr(name string) *Attribute {
	for _, a := range n.Attrs {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// Attribute is a decoded AttributeProto. Graph-valued attributes (the
// bodies of If and Loop) are recorded by type only.
type Attribute struct {
	Name    string
	Type    int32
	F       float32
	I       int64
	S       []byte
	T       *Tensor
	Floats  []float32
	Ints    []int64
	Strings [][]byte
	Tensors []*Tensor
}

// Tensor is a decoded TensorProto. Floating-point types (float, double,
// float16) are converted to Float; integer and boolean types to Int64.
type Tensor struct {
	Name     string
	Dims     []int64
	DataType int32
	Float    []float32
	Int64    []int64
	// External is set when the tensor's data lives in an external file
	// (data_location = EXTERNAL); Location is that file's name.
	External bool
	Location string
}

// Len is the number of elements the dimensions declare.
func (t *Tensor) Len() int {
	n := 1
	for _, d := range t.Dims {
		n *= int(d)
	}
	return n
}

// IsFloat reports whether t holds floating-point data.
func (t *Tensor) IsFloat() bool {
	return t.DataType == TypeFloat || t.DataType == TypeDouble || t.DataType == TypeFloat16
}

// ValueInfo is a decoded ValueInfoProto of tensor type.
type ValueInfo struct {
	Name     string
	ElemType int32
	// Shape is nil when the type carries no shape; a Dim with Param set (or
	// neither set) is dynamic.
	Shape []Dim
}

// Dim is one TensorShapeProto.Dimension: a fixed Value or a symbolic Param.
type Dim struct {
	Value int64
	Param string
}

// Known reports whether the dimension has a fixed, positive size.
func (d Dim) Known() bool { return d.Param == "" && d.Value > 0 }
