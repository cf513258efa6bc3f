package onnx

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// tinyModel is a one-node model (Relu) with a float and an int64
// initializer and metadata, used by several tests.
func tinyModel() *Model {
	return &Model{
		IRVersion:    8,
		ProducerName: "convscope-test",
		Opsets:       map[string]int64{"": 13},
		Metadata:     []KeyValue{{"classes", "a,b"}},
		Graph: Graph{
			Name: "g",
			Nodes: []*Node{{Name: "r", OpType: "Relu", Inputs: []string{"x"}, Outputs: []string{"y"},
				Attrs: []*Attribute{{Name: "alpha", Type: AttrFloat, F: 0.5}, {Name: "ks", Type: AttrInts, Ints: []int64{3, -1}}}}},
			Initializers: []*Tensor{
				{Name: "w", Dims: []int64{2, 2}, DataType: TypeFloat, Float: []float32{1, -2, 3.5, 4}},
				{Name: "s", Dims: []int64{2}, DataType: TypeInt64, Int64: []int64{-1, 7}},
			},
			Inputs:  []ValueInfo{{Name: "x", ElemType: TypeFloat, Shape: []Dim{{Param: "N"}, {Value: 3}}}},
			Outputs: []ValueInfo{{Name: "y", ElemType: TypeFloat, Shape: []Dim{{Param: "N"}, {Value: 3}}}},
		},
	}
}

func TestMarshalParseRoundTrip(t *testing.T) {
	m := tinyModel()
	got, err := Parse(m.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, m)
	}
	if v, ok := got.Meta("classes"); !ok || v != "a,b" {
		t.Errorf("Meta(classes) = %q, %v", v, ok)
	}
	if got.Opset() != 13 {
		t.Errorf("Opset() = %d, want 13", got.Opset())
	}
}

// tensorBytes encodes a TensorProto by hand, for typed-field tests.
func tensorBytes(dims []int64, dt int32, extra func(b []byte) []byte) []byte {
	var b []byte
	for _, d := range dims {
		b = protowire.AppendTag(b, 1, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(d))
	}
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(dt))
	return extra(b)
}

func TestTensorTypedFields(t *testing.T) {
	packedFloats := func(b []byte) []byte {
		var p []byte
		for _, f := range []float32{1.5, -2} {
			p = binary.LittleEndian.AppendUint32(p, math.Float32bits(f))
		}
		b = protowire.AppendTag(b, 4, protowire.BytesType)
		return protowire.AppendBytes(b, p)
	}
	unpackedInt64 := func(b []byte) []byte {
		for _, v := range []int64{-3, 1 << 40} {
			b = protowire.AppendTag(b, 7, protowire.VarintType)
			b = protowire.AppendVarint(b, uint64(v))
		}
		return b
	}
	packedInt32 := func(b []byte) []byte {
		var p []byte
		for _, v := range []int32{-5, 6} {
			p = protowire.AppendVarint(p, uint64(int64(v)))
		}
		b = protowire.AppendTag(b, 5, protowire.BytesType)
		return protowire.AppendBytes(b, p)
	}
	doubles := func(b []byte) []byte {
		b = protowire.AppendTag(b, 10, protowire.Fixed64Type)
		return protowire.AppendFixed64(b, math.Float64bits(0.25))
	}
	half := func(b []byte) []byte { // float16 1.0 and -2.0 in int32_data
		for _, v := range []uint64{0x3c00, 0xc000} {
			b = protowire.AppendTag(b, 5, protowire.VarintType)
			b = protowire.AppendVarint(b, v)
		}
		return b
	}
	rawInt32 := func(b []byte) []byte {
		var p []byte
		p = binary.LittleEndian.AppendUint32(p, uint32(0xffffffff))
		b = protowire.AppendTag(b, 9, protowire.BytesType)
		return protowire.AppendBytes(b, p)
	}
	tests := []struct {
		name  string
		b     []byte
		float []float32
		ints  []int64
	}{
		{"packed float_data", tensorBytes([]int64{2}, TypeFloat, packedFloats), []float32{1.5, -2}, nil},
		{"unpacked int64_data", tensorBytes([]int64{2}, TypeInt64, unpackedInt64), nil, []int64{-3, 1 << 40}},
		{"packed int32_data", tensorBytes([]int64{2}, TypeInt32, packedInt32), nil, []int64{-5, 6}},
		{"double_data", tensorBytes(nil, TypeDouble, doubles), []float32{0.25}, nil},
		{"float16 in int32_data", tensorBytes([]int64{1, 2}, TypeFloat16, half), []float32{1, -2}, nil},
		{"raw int32", tensorBytes([]int64{1}, TypeInt32, rawInt32), nil, []int64{-1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTensor(tc.b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Float, tc.float) || !reflect.DeepEqual(got.Int64, tc.ints) {
				t.Errorf("got float %v int %v, want %v %v", got.Float, got.Int64, tc.float, tc.ints)
			}
		})
	}
}

func TestHalfToFloat(t *testing.T) {
	for h, want := range map[uint16]float32{0x3c00: 1, 0x3800: 0.5, 0x7bff: 65504, 0x0001: 5.9604645e-08, 0x8000: float32(math.Copysign(0, -1))} {
		if got := halfToFloat(h); got != want {
			t.Errorf("halfToFloat(%#04x) = %v, want %v", h, got, want)
		}
	}
	if !math.IsInf(float64(halfToFloat(0x7c00)), 1) || !math.IsNaN(float64(halfToFloat(0x7e00))) {
		t.Error("halfToFloat: Inf/NaN not preserved")
	}
}

// TestReadBadInput: each malformed file gives one clear error line.
func TestReadBadInput(t *testing.T) {
	good := tinyModel().Marshal()
	// A 2 GB tensor declared in a few bytes: dims 536870912 float with 16 bytes of raw data.
	huge := tinyModel()
	hugeT := tensorBytes([]int64{1 << 29}, TypeFloat, func(b []byte) []byte {
		b = protowire.AppendTag(b, 8, protowire.BytesType)
		b = protowire.AppendString(b, "huge")
		b = protowire.AppendTag(b, 9, protowire.BytesType)
		return protowire.AppendBytes(b, make([]byte, 16))
	})
	hugeB := huge.Marshal()
	hugeG := appendMessage(nil, 5, hugeT)
	hugeB = appendMessage(hugeB, 7, hugeG) // a second graph field merges in protobuf; ours appends
	typedHuge := tensorBytes([]int64{1 << 20, 1 << 20, 1 << 20}, TypeFloat, func(b []byte) []byte { return b })
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "empty file"},
		{"truncated", good[:len(good)/2], "truncated or corrupt"},
		{"not protobuf", []byte("\x89PNG\r\n\x1a\nhello world"), "corrupt"},
		{"text", []byte("hello, this is not a model"), "corrupt"},
		{"no graph", protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 7), "no graph"},
		{"2 GB tensor", hugeB, "declares 536870912 elements (2.1 GB), the file holds 16 bytes"},
		{"2^60 elements", appendMessage(nil, 7, appendMessage(nil, 5, typedHuge)), "more than 2^40 elements"},
		{"wire type", appendMessage(nil, 7, protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 3)), "expected wire type 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.b)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line containing %q", err, tc.want)
			}
		})
	}
}

func TestReadLimitsAllocation(t *testing.T) {
	// A tensor claiming 2^30 floats in 16 bytes must fail without allocating them.
	b := appendMessage(tinyModel().Marshal(), 7, appendMessage(nil, 5, tensorBytes([]int64{1 << 30}, TypeFloat, func(b []byte) []byte {
		b = protowire.AppendTag(b, 9, protowire.BytesType)
		return protowire.AppendBytes(b, make([]byte, 16))
	})))
	allocs := testing.AllocsPerRun(3, func() { _, _ = ReadModel(bytes.NewReader(b)) })
	if allocs > 200 {
		t.Errorf("Read allocated %v times for a tiny file", allocs)
	}
}

// FuzzRead: Parse never panics; what it accepts re-encodes and re-parses
// to the same model.
//
// It also imports what parses: the importer never panics either.
func FuzzRead(f *testing.F) {
	f.Add(tinyModel().Marshal())
	f.Add(convNet(3).Marshal())
	for _, name := range []string{"tutorial", "nhwc"} {
		if b, err := os.ReadFile("testdata/parity/" + name + ".onnx"); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		if _, err := Parse(m.Marshal()); err != nil {
			t.Errorf("re-encoded model does not parse: %v", err)
		}
		if _, err := Import(m); err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("multi-line error %q", err)
		}
	})
}
