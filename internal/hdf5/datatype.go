package hdf5

import (
	"encoding/binary"
	"math"
	"strconv"
)

// Datatype classes (spec §IV.A.2.d).
const (
	classFixed  = 0
	classFloat  = 1
	classString = 3
	classVLen   = 9
)

// dtype is a decoded datatype message: the classes h5py writes for weights
// and Keras' attributes.
type dtype struct {
	class     int
	size      int  // bytes per element (for a variable-length type: the in-file reference)
	bigEndian bool // fixed and float
	signed    bool // fixed
	vlenStr   bool // variable-length string (vlen of class 9, type 1)
	base      *dtype
}

func (t *dtype) String() string {
	switch t.class {
	case classFixed:
		s := "uint"
		if t.signed {
			s = "int"
		}
		return s + itoa(8*t.size)
	case classFloat:
		return "float" + itoa(8*t.size)
	case classString:
		return "string"
	case classVLen:
		if t.vlenStr {
			return "vlen string"
		}
		return "vlen sequence"
	}
	return "class " + itoa(t.class)
}

func itoa(n int) string { return strconv.Itoa(n) }

// parseDtype decodes a datatype message (which may be nested in another).
func parseDtype(d *dec, depth int) *dtype {
	if depth > 4 {
		d.err = errorf("datatype nested too deeply")
		return nil
	}
	cv := d.u8()
	b0, b1 := d.u8(), d.u8()
	d.u8()
	t := &dtype{class: int(cv & 0x0f), size: int(d.u32())}
	if d.err != nil {
		return nil
	}
	switch t.class {
	case classFixed:
		t.bigEndian = b0&1 != 0
		t.signed = b0&8 != 0
		d.skip(4) // bit offset, precision
		if t.size != 1 && t.size != 2 && t.size != 4 && t.size != 8 {
			d.err = errorf("integer datatype of %d bytes is not supported", t.size)
		}
	case classFloat:
		t.bigEndian = b0&1 != 0
		if b0&0x40 != 0 {
			d.err = errorf("VAX-order floating point is not supported")
		}
		d.skip(12) // bit offset, precision, exponent/mantissa layout, bias
		if t.size != 2 && t.size != 4 && t.size != 8 {
			d.err = errorf("floating-point datatype of %d bytes is not supported (expected 2, 4 or 8)", t.size)
		}
	case classString:
		if t.size <= 0 {
			d.err = errorf("string datatype of size %d", t.size)
		}
	case classVLen:
		t.vlenStr = b0&0x0f == 1
		_ = b1
		t.base = parseDtype(d, depth+1)
	default:
		d.err = errorf("datatype class %d is not supported (expected integer, float or string)", t.class)
	}
	return t
}

// dataspace is a decoded dataspace message (spec §IV.A.2.b): its dimensions;
// nil dims with null=false is a scalar.
type dataspace struct {
	dims []uint64
	null bool
}

// count returns the number of elements, or an error if it overflows limit.
func (s *dataspace) count(limit uint64) (uint64, error) {
	if s.null {
		return 0, nil
	}
	n := uint64(1)
	for _, d := range s.dims {
		if d != 0 && n > limit/d {
			return 0, errorf("dataspace %v declares more elements than the file can hold", s.dims)
		}
		n *= d
	}
	return n, nil
}

func parseDataspace(d *dec) *dataspace {
	v := d.u8()
	rank := int(d.u8())
	flags := d.u8()
	s := &dataspace{}
	switch v {
	case 1:
		d.skip(5)
	case 2:
		typ := d.u8()
		s.null = typ == 2
	default:
		d.err = errorf("unsupported dataspace version %d (expected 1 or 2)", v)
		return nil
	}
	if rank > 32 {
		d.err = errorf("dataspace of rank %d (expected at most 32)", rank)
		return nil
	}
	for i := 0; i < rank; i++ {
		s.dims = append(s.dims, d.length())
	}
	if flags&1 != 0 {
		for i := 0; i < rank; i++ {
			d.length()
		}
	}
	return s
}

// floats converts n elements of raw data of type t to float32.
func (t *dtype) floats(dst []float32, raw []byte) error {
	var bo binary.ByteOrder = binary.LittleEndian
	if t.bigEndian {
		bo = binary.BigEndian
	}
	if len(raw) < len(dst)*t.size {
		return errorf("data is shorter than its datatype and shape declare")
	}
	switch {
	case t.class == classFloat && t.size == 2:
		for i := range dst {
			dst[i] = half(bo.Uint16(raw[2*i:]))
		}
	case t.class == classFloat && t.size == 4:
		for i := range dst {
			dst[i] = math.Float32frombits(bo.Uint32(raw[4*i:]))
		}
	case t.class == classFloat && t.size == 8:
		for i := range dst {
			dst[i] = float32(math.Float64frombits(bo.Uint64(raw[8*i:])))
		}
	case t.class == classFixed:
		for i := range dst {
			b := raw[i*t.size : (i+1)*t.size]
			var u uint64
			switch t.size {
			case 1:
				u = uint64(b[0])
			case 2:
				u = uint64(bo.Uint16(b))
			case 4:
				u = uint64(bo.Uint32(b))
			case 8:
				u = bo.Uint64(b)
			}
			if t.signed {
				shift := 64 - 8*uint(t.size)
				dst[i] = float32(int64(u<<shift) >> shift)
			} else {
				dst[i] = float32(u)
			}
		}
	default:
		return errorf("cannot read %s data as numbers", t)
	}
	return nil
}

// half converts an IEEE 754 binary16 value (Keras' mixed_float16 weights)
// to float32.
func half(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := int(h>>10) & 0x1f
	frac := uint32(h & 0x3ff)
	switch {
	case exp == 0x1f: // Inf, NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: frac · 2^-24
		v := float32(frac) / (1 << 24)
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | uint32(exp-15+127)<<23 | frac<<13)
}
