package onnx

import (
	"encoding/binary"
	"maps"
	"math"
	"slices"

	"google.golang.org/protobuf/encoding/protowire"
)

// Marshal encodes m as a ModelProto. Float tensors are written as raw_data
// (float32, little-endian) and int64 tensors as raw_data of int64s;
// attributes carry an explicit type, as onnx.checker requires.
func (m *Model) Marshal() []byte {
	var b []byte
	b = appendVarintField(b, 1, uint64(m.IRVersion))
	b = appendString(b, 2, m.ProducerName)
	b = appendString(b, 3, m.ProducerVersion)
	b = protowire.AppendTag(b, 7, protowire.BytesType)
	b = protowire.AppendBytes(b, marshalGraph(&m.Graph))
	for _, d := range slices.Sorted(maps.Keys(m.Opsets)) {
		var o []byte
		if d != "" {
			o = appendString(o, 1, d)
		}
		o = appendVarintField(o, 2, uint64(m.Opsets[d]))
		b = appendMessage(b, 8, o)
	}
	for _, kv := range m.Metadata {
		b = appendMessage(b, 14, marshalKeyValue(kv))
	}
	return b
}

func marshalKeyValue(kv KeyValue) []byte {
	var b []byte
	b = appendString(b, 1, kv.Key)
	return appendString(b, 2, kv.Value)
}

func marshalGraph(g *Graph) []byte {
	var b []byte
	for _, n := range g.Nodes {
		b = appendMessage(b, 1, marshalNode(n))
	}
	b = appendString(b, 2, g.Name)
	for _, t := range g.Initializers {
		b = appendMessage(b, 5, MarshalTensor(t))
	}
	for _, vi := range g.Inputs {
		b = appendMessage(b, 11, marshalValueInfo(vi))
	}
	for _, vi := range g.Outputs {
		b = appendMessage(b, 12, marshalValueInfo(vi))
	}
	for _, vi := range g.ValueInfo {
		b = appendMessage(b, 13, marshalValueInfo(vi))
	}
	return b
}

func marshalNode(n *Node) []byte {
	var b []byte
	for _, s := range n.Inputs {
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendString(b, s)
	}
	for _, s := range n.Outputs {
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendString(b, s)
	}
	b = appendString(b, 3, n.Name)
	b = appendString(b, 4, n.OpType)
	for _, a := range n.Attrs {
		b = appendMessage(b, 5, marshalAttribute(a))
	}
	return appendString(b, 7, n.Domain)
}

func marshalAttribute(a *Attribute) []byte {
	var b []byte
	b = appendString(b, 1, a.Name)
	switch a.Type {
	case AttrFloat:
		b = protowire.AppendTag(b, 2, protowire.Fixed32Type)
		b = protowire.AppendFixed32(b, math.Float32bits(a.F))
	case AttrInt:
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(a.I))
	case AttrString:
		b = protowire.AppendTag(b, 4, protowire.BytesType)
		b = protowire.AppendBytes(b, a.S)
	case AttrTensor:
		if a.T != nil {
			b = appendMessage(b, 5, MarshalTensor(a.T))
		}
	case AttrFloats:
		for _, f := range a.Floats {
			b = protowire.AppendTag(b, 7, protowire.Fixed32Type)
			b = protowire.AppendFixed32(b, math.Float32bits(f))
		}
	case AttrInts:
		for _, v := range a.Ints {
			b = protowire.AppendTag(b, 8, protowire.VarintType)
			b = protowire.AppendVarint(b, uint64(v))
		}
	case AttrStrings:
		for _, s := range a.Strings {
			b = protowire.AppendTag(b, 9, protowire.BytesType)
			b = protowire.AppendBytes(b, s)
		}
	case AttrTensors:
		for _, t := range a.Tensors {
			b = appendMessage(b, 10, MarshalTensor(t))
		}
	}
	b = protowire.AppendTag(b, 20, protowire.VarintType)
	return protowire.AppendVarint(b, uint64(a.Type))
}

// MarshalTensor encodes t as a TensorProto. Float data is written as
// float32 raw_data (double and float16 tensors become float), integer data
// as int64 raw_data, an external tensor as its location.
func MarshalTensor(t *Tensor) []byte {
	var b []byte
	for _, d := range t.Dims {
		b = protowire.AppendTag(b, 1, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(d))
	}
	b = appendString(b, 8, t.Name)
	dt := t.DataType
	var raw []byte
	switch {
	case t.External:
		b = appendVarintField(b, 2, uint64(dt))
		b = appendMessage(b, 13, marshalKeyValue(KeyValue{"location", t.Location}))
		return appendVarintField(b, 14, 1)
	case t.Float != nil:
		dt = TypeFloat
		raw = make([]byte, 0, 4*len(t.Float))
		for _, f := range t.Float {
			raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(f))
		}
	case t.Int64 != nil:
		dt = TypeInt64
		raw = make([]byte, 0, 8*len(t.Int64))
		for _, v := range t.Int64 {
			raw = binary.LittleEndian.AppendUint64(raw, uint64(v))
		}
	default: // no data: a type the reader keeps by shape only, or empty
		return appendVarintField(b, 2, uint64(dt))
	}
	b = appendVarintField(b, 2, uint64(dt))
	b = protowire.AppendTag(b, 9, protowire.BytesType)
	return protowire.AppendBytes(b, raw)
}

func marshalValueInfo(vi ValueInfo) []byte {
	var tt []byte
	tt = appendVarintField(tt, 1, uint64(vi.ElemType))
	if vi.Shape != nil {
		var sh []byte
		for _, d := range vi.Shape {
			var db []byte
			if d.Param != "" {
				db = appendString(db, 2, d.Param)
			} else {
				db = protowire.AppendTag(db, 1, protowire.VarintType)
				db = protowire.AppendVarint(db, uint64(d.Value))
			}
			sh = appendMessage(sh, 1, db)
		}
		tt = appendMessage(tt, 2, sh)
	}
	var b []byte
	b = appendString(b, 1, vi.Name)
	return appendMessage(b, 2, appendMessage(nil, 1, tt))
}

func appendMessage(b []byte, num protowire.Number, msg []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, msg)
}

// appendString writes a string field, omitting it when empty.
func appendString(b []byte, num protowire.Number, s string) []byte {
	if s == "" {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

// appendVarintField writes a varint field, omitting it when zero.
func appendVarintField(b []byte, num protowire.Number, v uint64) []byte {
	if v == 0 {
		return b
	}
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}
