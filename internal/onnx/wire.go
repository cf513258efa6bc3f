package onnx

import (
	"encoding/binary"
	"fmt"
	"math"

	"google.golang.org/protobuf/encoding/protowire"
)

// field is one decoded protobuf field: its number, wire type and value
// (v for varint and fixed types, b for length-delimited ones; b aliases the
// input).
type field struct {
	msg string
	num protowire.Number
	typ protowire.Type
	v   uint64
	b   []byte
}

// fields calls fn for every field of the message b, in order. Groups are
// skipped. Any malformed tag or length is an error naming msg.
func fields(b []byte, msg string, fn func(f field) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return corrupt(msg, n)
		}
		b = b[n:]
		f := field{msg: msg, num: num, typ: typ}
		switch typ {
		case protowire.VarintType:
			f.v, n = protowire.ConsumeVarint(b)
		case protowire.Fixed32Type:
			var v uint32
			v, n = protowire.ConsumeFixed32(b)
			f.v = uint64(v)
		case protowire.Fixed64Type:
			f.v, n = protowire.ConsumeFixed64(b)
		case protowire.BytesType:
			f.b, n = protowire.ConsumeBytes(b)
		case protowire.StartGroupType:
			n = protowire.ConsumeFieldValue(num, typ, b)
		default:
			return fmt.Errorf("truncated or corrupt file: %s: unexpected wire type %d", msg, typ)
		}
		if n < 0 {
			return corrupt(msg, n)
		}
		b = b[n:]
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

// corrupt turns a protowire error code into a one-line error.
func corrupt(msg string, code int) error {
	return fmt.Errorf("truncated or corrupt file: %s: %v", msg, protowire.ParseError(code))
}

// want checks the field's wire type.
func (f field) want(t protowire.Type) error {
	if f.typ != t {
		return fmt.Errorf("truncated or corrupt file: %s field %d: expected wire type %d, received %d", f.msg, f.num, t, f.typ)
	}
	return nil
}

func (f field) float32() float32 { return math.Float32frombits(uint32(f.v)) }

// str stores a length-delimited field in *dst as a string and checks its
// wire type.
func (f field) str(dst *string) error {
	*dst = string(f.b)
	return f.want(protowire.BytesType)
}

// int64 stores a varint field in *dst and checks its wire type.
func (f field) int64(dst *int64) error {
	*dst = int64(f.v)
	return f.want(protowire.VarintType)
}

// int32 stores a varint field in *dst (truncated, as protobuf's int32) and
// checks its wire type.
func (f field) int32(dst *int32) error {
	*dst = int32(f.v)
	return f.want(protowire.VarintType)
}

// message checks that the field is length-delimited and calls fn for every
// field of the message it holds, as fields does.
func (f field) message(msg string, fn func(f field) error) error {
	if err := f.want(protowire.BytesType); err != nil {
		return err
	}
	return fields(f.b, msg, fn)
}

// appendFloats appends a repeated float field, packed or not.
func (f field) appendFloats(dst []float32) ([]float32, error) {
	switch f.typ {
	case protowire.Fixed32Type:
		return append(dst, f.float32()), nil
	case protowire.BytesType:
		if len(f.b)%4 != 0 {
			return dst, fmt.Errorf("truncated or corrupt file: %s field %d: packed floats of %d bytes, expected a multiple of 4", f.msg, f.num, len(f.b))
		}
		dst = growFloat32(dst, len(f.b)/4)
		for i := 0; i < len(f.b); i += 4 {
			dst = append(dst, math.Float32frombits(binary.LittleEndian.Uint32(f.b[i:])))
		}
		return dst, nil
	}
	return dst, f.want(protowire.BytesType)
}

// appendDoubles appends a repeated double field as float32, packed or not.
func (f field) appendDoubles(dst []float32) ([]float32, error) {
	switch f.typ {
	case protowire.Fixed64Type:
		return append(dst, float32(math.Float64frombits(f.v))), nil
	case protowire.BytesType:
		if len(f.b)%8 != 0 {
			return dst, fmt.Errorf("truncated or corrupt file: %s field %d: packed doubles of %d bytes, expected a multiple of 8", f.msg, f.num, len(f.b))
		}
		dst = growFloat32(dst, len(f.b)/8)
		for i := 0; i < len(f.b); i += 8 {
			dst = append(dst, float32(math.Float64frombits(binary.LittleEndian.Uint64(f.b[i:]))))
		}
		return dst, nil
	}
	return dst, f.want(protowire.BytesType)
}

// appendVarints appends a repeated int64 (or int32, when int32 is set)
// field, packed or not.
func (f field) appendVarints(dst []int64, int32s bool) ([]int64, error) {
	conv := func(v uint64) int64 {
		if int32s {
			return int64(int32(v))
		}
		return int64(v)
	}
	switch f.typ {
	case protowire.VarintType:
		return append(dst, conv(f.v)), nil
	case protowire.BytesType:
		b := f.b
		for len(b) > 0 {
			v, n := protowire.ConsumeVarint(b)
			if n < 0 {
				return dst, corrupt(f.msg, n)
			}
			dst = append(dst, conv(v))
			b = b[n:]
		}
		return dst, nil
	}
	return dst, f.want(protowire.BytesType)
}

// growFloat32 makes room for n more values (n is bounded by the input).
func growFloat32(s []float32, n int) []float32 {
	if cap(s)-len(s) >= n {
		return s
	}
	t := make([]float32, len(s), len(s)+n)
	copy(t, s)
	return t
}
