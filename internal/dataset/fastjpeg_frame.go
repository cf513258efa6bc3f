package dataset

import (
	"encoding/binary"
	"errors"
)

// The fast JPEG path (fastjpeg_*.go, photo.go) decodes only what a nearest
// resize and a preview need from a baseline JPEG (ITU-T T.81): every block
// is Huffman-decoded (entropy-coded data cannot be skipped), but only the
// blocks that hold sampled pixels are dequantised, inverse-transformed and
// stored, and the preview comes from the DC coefficients alone (a 1/8-scale
// image). For the pixels it produces it must give exactly image/jpeg's
// values: the same inverse DCT arithmetic (fastjpeg_idct.go), no chroma
// upsampling filter (image/jpeg's *image.YCbCr replicates chroma samples),
// and color.YCbCrToRGB as the resizer uses.
//
// It accepts only what it can decode exactly like image/jpeg: 8-bit
// sequential Huffman (SOF0/SOF1) with one interleaved scan, gray or Y'CbCr
// with chroma 1×1 and luma 1×1, 2×1, 1×2 or 2×2 (4:4:4, 4:2:2, 4:4:0,
// 4:2:0), restart intervals with markers exactly where they belong, then
// EOI. Anything else — progressive, arithmetic, 12-bit, CMYK, Adobe or RGB
// colour, several scans, odd sampling, data image/jpeg would reject or
// resynchronise — returns errFastJPEG, and the caller decodes with
// image/jpeg as before.

// errFastJPEG means the fast path does not handle this file; decode it with
// image/jpeg.
var errFastJPEG = errors.New("jpeg: not for the fast path")

// JPEG markers (T.81 table B.1).
const (
	mSOF0 = 0xC0
	mSOF1 = 0xC1
	mDHT  = 0xC4
	mRST0 = 0xD0
	mSOI  = 0xD8
	mEOI  = 0xD9
	mSOS  = 0xDA
	mDQT  = 0xDB
	mDRI  = 0xDD
	mAPP0 = 0xE0
	mAPPE = 0xEE
	mCOM  = 0xFE
)

// fjComp is one colour component of the frame.
type fjComp struct {
	id     uint8
	h, v   int   // sampling factors (blocks per MCU across and down)
	tq     uint8 // quantisation table
	td, ta uint8 // DC and AC Huffman tables (from the scan)
	bw, bh int   // blocks across and down, MCU-padded
}

// fjFrame is what the fast path reads from a JPEG's headers.
type fjFrame struct {
	w, h   int // stored size in pixels
	ncomp  int // 1 (gray) or 3 (Y'CbCr)
	comp   [3]fjComp
	quant  [4][64]int32 // zig-zag order
	huff   [2][4]*fjHuff
	ri     int  // restart interval in MCUs; 0: none
	mcuw   int  // MCUs across
	mcuh   int  // MCUs down
	hs, vs uint // chroma subsampling shifts (4:2:0: 1, 1)
	// segs are the entropy-coded segments (byte-stuffed, as stored): one,
	// or one per restart interval.
	segs [][]byte
}

// parseFastJPEG reads a JPEG's headers and finds its entropy-coded data.
// It returns errFastJPEG for anything the fast path does not decode
// exactly as image/jpeg does.
func parseFastJPEG(data []byte) (*fjFrame, error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != mSOI {
		return nil, errFastJPEG
	}
	f := &fjFrame{}
	var qset [4]bool
	jfif, adobe, sof := false, false, false
	p := 2
	for {
		if p+2 > len(data) || data[p] != 0xFF {
			return nil, errFastJPEG
		}
		p++
		for p < len(data) && data[p] == 0xFF { // fill bytes
			p++
		}
		if p >= len(data) {
			return nil, errFastJPEG
		}
		m := data[p]
		p++
		if m == 0 || m == mEOI || (m >= mRST0 && m <= mRST0+7) || p+2 > len(data) {
			return nil, errFastJPEG
		}
		n := int(binary.BigEndian.Uint16(data[p:])) - 2
		if n < 0 || p+2+n > len(data) {
			return nil, errFastJPEG
		}
		seg := data[p+2 : p+2+n]
		p += 2 + n
		var err error
		switch {
		case m == mSOF0 || m == mSOF1:
			if sof {
				return nil, errFastJPEG
			}
			sof = true
			err = f.parseSOF(seg)
		case m == mDHT:
			err = f.parseDHT(seg)
		case m == mDQT:
			err = f.parseDQT(seg, &qset)
		case m == mDRI:
			if len(seg) != 2 {
				return nil, errFastJPEG
			}
			f.ri = int(binary.BigEndian.Uint16(seg))
		case m == mAPP0:
			jfif = jfif || (len(seg) >= 5 && string(seg[:5]) == "JFIF\x00")
		case m == mAPPE:
			adobe = true
		case m > mAPP0 && m <= mAPP0+15, m == mCOM:
		case m == mSOS:
			if !sof || adobe {
				return nil, errFastJPEG
			}
			if f.ncomp == 3 && !jfif && f.comp[0].id == 'R' && f.comp[1].id == 'G' && f.comp[2].id == 'B' {
				return nil, errFastJPEG // image/jpeg reads this as RGB
			}
			if err := f.parseSOS(seg, &qset); err != nil {
				return nil, err
			}
			return f, f.findSegments(data[p:])
		default: // SOF2 (progressive), arithmetic coding, DNL, …
			return nil, errFastJPEG
		}
		if err != nil {
			return nil, err
		}
	}
}

// parseSOF reads a frame header (T.81 B.2.2).
func (f *fjFrame) parseSOF(s []byte) error {
	if len(s) != 6+3 && len(s) != 6+9 || s[0] != 8 {
		return errFastJPEG
	}
	f.h, f.w = int(binary.BigEndian.Uint16(s[1:])), int(binary.BigEndian.Uint16(s[3:]))
	f.ncomp = int(s[5])
	if f.w == 0 || f.h == 0 || 6+3*f.ncomp != len(s) {
		return errFastJPEG
	}
	for i := range f.ncomp {
		c := &f.comp[i]
		c.id, c.tq = s[6+3*i], s[8+3*i]
		c.h, c.v = int(s[7+3*i]>>4), int(s[7+3*i]&15)
		if c.tq > 3 || c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 {
			return errFastJPEG
		}
		for j := range i {
			if f.comp[j].id == c.id {
				return errFastJPEG
			}
		}
	}
	if f.ncomp == 1 {
		f.comp[0].h, f.comp[0].v = 1, 1 // image/jpeg ignores a gray frame's factors
	} else if f.comp[0].h > 2 || f.comp[0].v > 2 ||
		f.comp[1].h != 1 || f.comp[1].v != 1 || f.comp[2].h != 1 || f.comp[2].v != 1 {
		return errFastJPEG
	}
	hmax, vmax := f.comp[0].h, f.comp[0].v
	f.hs, f.vs = uint(hmax-1), uint(vmax-1)
	f.mcuw = (f.w + 8*hmax - 1) / (8 * hmax)
	f.mcuh = (f.h + 8*vmax - 1) / (8 * vmax)
	for i := range f.ncomp {
		c := &f.comp[i]
		c.bw, c.bh = f.mcuw*c.h, f.mcuh*c.v
	}
	return nil
}

// parseDQT reads quantisation tables (T.81 B.2.4.1), 8- or 16-bit.
func (f *fjFrame) parseDQT(s []byte, set *[4]bool) error {
	for len(s) > 0 {
		pq, tq := s[0]>>4, s[0]&15
		if tq > 3 || pq > 1 || len(s) < 1+64*(int(pq)+1) {
			return errFastJPEG
		}
		for i := range 64 {
			if pq == 0 {
				f.quant[tq][i] = int32(s[1+i])
			} else {
				f.quant[tq][i] = int32(binary.BigEndian.Uint16(s[1+2*i:]))
			}
		}
		set[tq] = true
		s = s[1+64*(int(pq)+1):]
	}
	return nil
}

// parseDHT reads Huffman tables (T.81 B.2.4.2).
func (f *fjFrame) parseDHT(s []byte) error {
	for len(s) > 0 {
		if len(s) < 17 {
			return errFastJPEG
		}
		tc, th := s[0]>>4, s[0]&15
		if tc > 1 || th > 1 { // image/jpeg refuses tables 2 and 3 once it has seen SOF0
			return errFastJPEG
		}
		var counts [16]int
		total := 0
		for i := range counts {
			counts[i] = int(s[1+i])
			total += counts[i]
		}
		if total == 0 || total > 256 || len(s) < 17+total {
			return errFastJPEG
		}
		h, err := newFJHuff(counts, s[17:17+total])
		if err != nil {
			return err
		}
		f.huff[tc][th] = h
		s = s[17+total:]
	}
	return nil
}

// parseSOS reads the scan header (T.81 B.2.3). The fast path takes one
// scan with every component, in frame order.
func (f *fjFrame) parseSOS(s []byte, qset *[4]bool) error {
	if len(s) < 1 || int(s[0]) != f.ncomp || len(s) != 4+2*f.ncomp {
		return errFastJPEG
	}
	for i := range f.ncomp {
		c := &f.comp[i]
		if s[1+2*i] != c.id || !qset[c.tq] {
			return errFastJPEG
		}
		c.td, c.ta = s[2+2*i]>>4, s[2+2*i]&15
		if c.td > 3 || c.ta > 3 || f.huff[0][c.td] == nil || f.huff[1][c.ta] == nil {
			return errFastJPEG
		}
	}
	return nil
}
