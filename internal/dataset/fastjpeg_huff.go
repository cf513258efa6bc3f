package dataset

// fjLutBits is how many bits of look-ahead the Huffman table resolves in
// one lookup; longer codes (rare: JPEG's standard tables put every DC code
// and the common AC codes in at most 9 bits) take the canonical slow path.
const fjLutBits = 9

// fjFastEOB flags an end-of-block entry of fjHuff.fast.
const fjFastEOB = 1 << 15

// fjHuff is a canonical Huffman table (T.81 Annex C) for decoding.
type fjHuff struct {
	// lut maps the next fjLutBits bits to symbol<<8 | code length, or 0
	// when the code is longer (or not a code).
	lut [1 << fjLutBits]uint16
	// maxcode[l] is the largest code of length l (-1: none); valptr[l]
	// the index in vals of the first code of length l minus that code.
	maxcode [17]int32
	valptr  [17]int32
	vals    [256]uint8
	// fast resolves, for AC tables, a code and its extra bits together
	// when both fit in fjLutBits: value<<16 | run<<8 | bits used, or 0;
	// with fjFastEOB set, the code is an end of block.
	fast [1 << fjLutBits]int32
}

// newFJHuff builds a table from the DHT counts of codes per length (1 to
// 16) and the symbols in code order. An over-subscribed table (more codes
// than the lengths allow) is refused: image/jpeg's look-up table would
// wrap such codes around, and the fast path does not imitate that.
func newFJHuff(counts [16]int, vals []uint8) (*fjHuff, error) {
	h := &fjHuff{}
	copy(h.vals[:], vals)
	code, k := int32(0), int32(0)
	for l := 1; l <= 16; l++ {
		n := int32(counts[l-1])
		h.maxcode[l] = -1
		if n > 0 {
			h.valptr[l] = k - code
			for range n {
				if code >= 1<<l {
					return nil, errFastJPEG
				}
				if l <= fjLutBits {
					shift := fjLutBits - l
					base := int(code) << shift
					for i := range 1 << shift {
						h.lut[base+i] = uint16(vals[k])<<8 | uint16(l)
					}
				}
				code++
				k++
			}
			h.maxcode[l] = code - 1
		}
		code <<= 1
	}
	for i, v := range h.lut {
		l, r, s := uint(v&0xFF), int32(v>>12), uint(v>>8&15)
		switch {
		case v == 0:
		case s == 0 && r == 0: // end of block
			h.fast[i] = fjFastEOB | int32(l)
		case s == 0 && r == 15: // sixteen zeros: a zero coefficient after 15 zeros
			h.fast[i] = 15<<8 | int32(l)
		case s != 0 && l+s <= fjLutBits:
			extra := uint64(i) << (64 - fjLutBits + l) // the bits after the code, at the top
			h.fast[i] = fjExtend(extra, s)<<16 | r<<8 | int32(l+s)
		}
	}
	return h, nil
}

// decode returns the symbol whose code starts at the top of acc and the
// code's length, or length 0 if the bits are no code. acc holds at least
// 16 valid bits.
func (h *fjHuff) decode(acc uint64) (uint8, uint) {
	if v := h.lut[acc>>(64-fjLutBits)]; v != 0 {
		return uint8(v >> 8), uint(v & 0xFF)
	}
	return h.decodeSlow(acc)
}

// decodeSlow resolves codes longer than fjLutBits.
//
//go:noinline
func (h *fjHuff) decodeSlow(acc uint64) (uint8, uint) {
	for l := fjLutBits + 1; l <= 16; l++ {
		code := int32(acc >> (64 - l))
		if code <= h.maxcode[l] {
			return h.vals[uint8(h.valptr[l]+code)], uint(l)
		}
	}
	return 0, 0
}

// fjExtend is T.81's EXTEND of the s (1 to 16) bits at the top of acc: a
// coefficient or DC difference.
func fjExtend(acc uint64, s uint) int32 {
	v := int32(acc >> (64 - s))
	if v < int32(1)<<(s-1) {
		v += int32(-1)<<s + 1
	}
	return v
}

// fjUnzig maps zig-zag order to natural order (T.81 figure A.6).
var fjUnzig = [64]uint8{
	0, 1, 8, 16, 9, 2, 3, 10,
	17, 24, 32, 25, 18, 11, 4, 5,
	12, 19, 26, 33, 40, 48, 41, 34,
	27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36,
	29, 22, 15, 23, 30, 37, 44, 51,
	58, 59, 52, 45, 38, 31, 39, 46,
	53, 60, 61, 54, 47, 55, 62, 63,
}
