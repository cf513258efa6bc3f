package dataset

import "encoding/binary"

// fjNoFF reports whether none of w's 8 bytes is 0xFF (a zero byte of ^w).
func fjNoFF(w uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	return (^w-lo)&w&hi == 0
}

// fjRefill tops acc up to at least 56 valid bits from the byte-stuffed
// data seg at pos. Eight bytes without 0xFF load at once (Giesen's
// branch-free refill: bytes past the valid bits are loaded again next
// time, identically); otherwise fjRefillSlow takes them one by one.
func fjRefill(seg []byte, acc uint64, nb uint, pos, stuffed int) (uint64, uint, int, int) {
	if pos+8 <= len(seg) {
		if w := binary.BigEndian.Uint64(seg[pos:]); fjNoFF(w) {
			return acc | w>>nb, nb | 56, pos + int(63-nb)>>3, stuffed
		}
	}
	return fjRefillSlow(seg, acc, nb, pos, stuffed)
}

// fjRefillSlow loads bytes one at a time, turning each stuffed 0xFF 0x00
// into 0xFF (stuffed counts them) and zeros past the end of seg (pos runs
// on, so the caller sees how far it overran).
//
//go:noinline
func fjRefillSlow(seg []byte, acc uint64, nb uint, pos, stuffed int) (uint64, uint, int, int) {
	acc &^= ^uint64(0) >> nb // drop look-ahead bits: they are reloaded here
	for nb <= 56 {
		var b byte
		if pos < len(seg) {
			b = seg[pos]
			if b == 0xFF { // always followed by its stuffed zero in a segment
				pos++
				stuffed++
			}
		}
		pos++
		acc |= uint64(b) << (56 - nb)
		nb += 8
	}
	return acc, nb, pos, stuffed
}

// fjReader is the entropy decoder's place in a byte-stuffed segment.
type fjReader struct {
	acc     uint64 // bits, most significant first
	nb      uint   // valid bits in acc
	pos     int    // bytes of the segment loaded into acc
	stuffed int    // stuffed zero bytes skipped
}

// bit is the position of the next unread bit in the segment's data with
// the stuffing removed.
func (r *fjReader) bit() int { return 8*(r.pos-r.stuffed) - int(r.nb) }
