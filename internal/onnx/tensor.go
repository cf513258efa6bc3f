package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"

	"google.golang.org/protobuf/encoding/protowire"
)

// elemSize is the byte size of one raw_data element of each decoded type.
var elemSize = map[int32]int{
	TypeFloat: 4, TypeDouble: 8, TypeFloat16: 2,
	TypeInt64: 8, TypeInt32: 4, TypeInt8: 1, TypeUint8: 1, TypeBool: 1,
}

// typeNames names TensorProto data types in messages.
var typeNames = map[int32]string{
	1: "float", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64",
	8: "string", 9: "bool", 10: "float16", 11: "double", 12: "uint32", 13: "uint64",
	14: "complex64", 15: "complex128", 16: "bfloat16",
}

func typeName(t int32) string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("type %d", t)
}

// parseTensor decodes a TensorProto. Its declared size (the product of its
// dims) must match the data present: the data is only allocated once
// counted, so a tiny file cannot claim a huge tensor.
func parseTensor(b []byte, what string) (*Tensor, error) {
	t := &Tensor{}
	var raw []byte
	hasRaw, external := false, false
	var floats, doubles []float32
	var int64s, int32s []int64
	err := fields(b, what, func(f field) error {
		var err error
		switch f.num {
		case 1:
			t.Dims, err = f.appendVarints(t.Dims, false)
		case 2:
			err = f.int32(&t.DataType)
		case 4:
			floats, err = f.appendFloats(floats)
		case 5:
			int32s, err = f.appendVarints(int32s, true)
		case 7:
			int64s, err = f.appendVarints(int64s, false)
		case 8:
			err = f.str(&t.Name)
		case 9:
			raw, hasRaw = f.b, true
			err = f.want(protowire.BytesType)
		case 10:
			doubles, err = f.appendDoubles(doubles)
		case 13:
			if err = f.want(protowire.BytesType); err != nil {
				return err
			}
			kv, err := parseKeyValue(f.b, "external_data")
			if kv.Key == "location" {
				t.Location = kv.Value
			}
			return err
		case 14:
			external = f.v == 1
			err = f.want(protowire.VarintType)
		}
		return err
	})
	if err != nil {
		return t, err
	}
	n := int64(1)
	for _, d := range t.Dims {
		if d < 0 {
			return t, fmt.Errorf("tensor %q: negative dimension %d in %v", t.Name, d, t.Dims)
		}
		if d > 0 && n > maxElements/d {
			return t, fmt.Errorf("tensor %q: dimensions %v declare more than 2^40 elements", t.Name, t.Dims)
		}
		n *= d
	}
	if external {
		t.External = true
		return t, nil
	}
	size, ok := elemSize[t.DataType]
	if !ok {
		// Kept with its shape only; the importer refuses it where it needs data.
		return t, nil
	}
	if hasRaw {
		if int64(len(raw)) != n*int64(size) {
			return t, fmt.Errorf("tensor %q: %v %s declares %d elements (%s), the file holds %d bytes of data", t.Name, t.Dims, typeName(t.DataType), n, byteSize(n*int64(size)), len(raw))
		}
		decodeRaw(t, raw, int(n))
		return t, nil
	}
	var got int
	switch t.DataType {
	case TypeFloat:
		t.Float, got = floats, len(floats)
	case TypeDouble:
		t.Float, got = doubles, len(doubles)
	case TypeInt64:
		t.Int64, got = int64s, len(int64s)
	case TypeFloat16:
		t.Float, got = make([]float32, len(int32s)), len(int32s)
		for i, v := range int32s {
			t.Float[i] = halfToFloat(uint16(v))
		}
	default: // int32, int8, uint8, bool are stored in int32_data
		t.Int64, got = int32s, len(int32s)
	}
	if int64(got) != n {
		return t, fmt.Errorf("tensor %q: %v %s declares %d elements, the file holds %d", t.Name, t.Dims, typeName(t.DataType), n, got)
	}
	return t, nil
}

// littleEndian reports whether the host stores numbers as ONNX's raw_data
// does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// decodeRaw converts little-endian raw_data of n elements.
func decodeRaw(t *Tensor, raw []byte, n int) {
	le := binary.LittleEndian
	switch t.DataType {
	case TypeFloat:
		t.Float = make([]float32, n)
		if littleEndian && n > 0 {
			// The bytes are already float32s in the host's order: one
			// memmove into the (aligned) destination.
			copy(unsafe.Slice((*byte)(unsafe.Pointer(&t.Float[0])), 4*n), raw)
			break
		}
		for i := range t.Float {
			t.Float[i] = math.Float32frombits(le.Uint32(raw[4*i:]))
		}
	case TypeDouble:
		t.Float = make([]float32, n)
		for i := range t.Float {
			t.Float[i] = float32(math.Float64frombits(le.Uint64(raw[8*i:])))
		}
	case TypeFloat16:
		t.Float = make([]float32, n)
		for i := range t.Float {
			t.Float[i] = halfToFloat(le.Uint16(raw[2*i:]))
		}
	case TypeInt64:
		t.Int64 = make([]int64, n)
		for i := range t.Int64 {
			t.Int64[i] = int64(le.Uint64(raw[8*i:]))
		}
	case TypeInt32:
		t.Int64 = make([]int64, n)
		for i := range t.Int64 {
			t.Int64[i] = int64(int32(le.Uint32(raw[4*i:])))
		}
	case TypeInt8:
		t.Int64 = make([]int64, n)
		for i := range t.Int64 {
			t.Int64[i] = int64(int8(raw[i]))
		}
	default: // uint8, bool
		t.Int64 = make([]int64, n)
		for i := range t.Int64 {
			t.Int64[i] = int64(raw[i])
		}
	}
}

// halfToFloat converts an IEEE 754 binary16 value to float32.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf, NaN
		return math.Float32frombits(sign | 0xff<<23 | mant<<13)
	case exp == 0:
		if mant == 0 {
			return math.Float32frombits(sign)
		}
		// Subnormal: value = mant · 2^-24.
		f := float32(mant) * (1.0 / (1 << 24))
		if sign != 0 {
			f = -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
}

// byteSize formats a byte count, e.g. "2.0 GB".
func byteSize(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d bytes", n)
}

// ParseTensor decodes a standalone TensorProto, such as the input_0.pb and
// output_0.pb files of ONNX's test data sets.
func ParseTensor(b []byte) (*Tensor, error) {
	t, err := parseTensor(b, "tensor")
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	return t, nil
}
