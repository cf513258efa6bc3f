package dataset

import (
	"bytes"
	"errors"
	"testing"
)

// fjmSeg returns a whole segment: marker, length, payload.
func fjmSeg(m byte, payload []byte) []byte {
	var b bytes.Buffer
	writeSeg(&b, m, payload)
	return b.Bytes()
}

// fjmIDs sets the three component ids of a Y'CbCr frame.
func fjmIDs(a, b, c byte) []fjmComp {
	comps := fjmYCbCr(1, 1)
	comps[0].id, comps[1].id, comps[2].id = a, b, c
	return comps
}

// fjmQuant16 is a 16-bit DQT payload for table tq (values 1…7, with 256
// and 300 at the two highest frequencies), followed by an 8-bit table
// for tq+1.
func fjmQuant16(tq byte) []byte {
	p := []byte{0x10 | tq}
	for k := range 64 {
		v := 1 + k%7
		switch k {
		case 62:
			v = 256
		case 63:
			v = 300
		}
		p = append(p, byte(v>>8), byte(v))
	}
	p = append(p, tq+1)
	for k := range 64 {
		p = append(p, byte(2+k%5))
	}
	return p
}

// TestParseFastJPEGRefuses: truncated or malformed headers, and what
// image/jpeg reads otherwise (RGB component ids without JFIF), are
// refused with errFastJPEG, never a panic.
func TestParseFastJPEGRefuses(t *testing.T) {
	soi := []byte{0xFF, 0xD8}
	dqt := fjmSeg(0xDB, append([]byte{0}, make([]byte, 64)...))
	dht := fjmSeg(0xC4, fjmStdTables(t)[0].payload())
	rgb := fjmBuild(t, fjmSpec{w: 16, h: 16, comps: fjmIDs('R', 'G', 'B')})
	app0 := func(p string) fjmSpec {
		return fjmSpec{w: 16, h: 16, comps: fjmIDs('R', 'G', 'B'), pre: [][]byte{fjmSeg(0xE0, []byte(p))}}
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"soi-only", soi},
		{"four-bytes", fjmCat(soi, []byte{0xFF, 0xDB})},
		{"ends-after-segment", fjmCat(soi, dqt)},
		{"ends-in-fill", fjmCat(soi, dqt, []byte{0xFF, 0xFF, 0xFF})},
		{"ends-in-ff", fjmCat(soi, dqt, []byte{0xFF})},
		{"ends-at-marker", fjmCat(soi, dqt, []byte{0xFF, 0xC4})},
		{"ends-in-length", fjmCat(soi, dqt, []byte{0xFF, 0xC4, 0x00})},
		{"segment-past-end-1", fjmCat(soi, dqt, dht[:len(dht)-1])},
		{"segment-past-end-3", fjmCat(soi, dqt, dht[:len(dht)-3])},
		{"length-below-2", fjmCat(soi, []byte{0xFF, 0xFE, 0x00, 0x01}, dqt)},
		{"rst-in-headers", fjmCat(soi, []byte{0xFF, 0xD0, 0x00, 0x04, 1, 2}, dqt)},
		{"rst7-in-headers", fjmCat(soi, []byte{0xFF, 0xD7, 0x00, 0x04, 1, 2}, dqt)},
		{"eoi-in-headers", fjmCat(soi, dqt, []byte{0xFF, 0xD9})},
		{"dqt-short-8bit", fjmCat(soi, fjmSeg(0xDB, append([]byte{0}, make([]byte, 30)...)))},
		{"dqt-short-16bit", fjmCat(soi, fjmSeg(0xDB, append([]byte{0x10}, make([]byte, 100)...)))},
		{"dqt-precision-2", fjmCat(soi, fjmSeg(0xDB, append([]byte{0x20}, make([]byte, 192)...)))},
		{"dqt-table-4", fjmCat(soi, fjmSeg(0xDB, append([]byte{0x04}, make([]byte, 64)...)))},
		{"dht-short", fjmCat(soi, fjmSeg(0xC4, append([]byte{0x00, 0, 20}, make([]byte, 19)...)))},
		{"dht-counts-only", fjmCat(soi, fjmSeg(0xC4, make([]byte, 17)))},
		{"dht-257", fjmCat(soi, fjmSeg(0xC4, fjmCat([]byte{0x10}, make([]byte, 7), []byte{255, 2}, make([]byte, 7), make([]byte, 257))))},
		{"rgb-ids", rgb},
		{"rgb-ids-short-app0", fjmBuild(t, app0("JFI"))},
		{"rgb-ids-other-app0", fjmBuild(t, app0("JFXX\x00\x10"))},
		{"adobe", fjmBuild(t, fjmSpec{w: 16, h: 16, comps: fjmYCbCr(1, 1), pre: [][]byte{fjmSeg(0xEE, []byte("Adobe\x00\x64\x00\x00\x00\x00\x01"))}})},
		{"progressive", fjmBuild(t, fjmSpec{w: 16, h: 16, comps: fjmYCbCr(1, 1), marker: 0xC2})},
		{"two-frames", fjmCat(soi, fjmSeg(0xC0, []byte{8, 0, 8, 0, 8, 1, 1, 0x11, 0}), fjmBuild(t, fjmSpec{w: 8, h: 8, comps: fjmGray()})[2:])},
		{"sos-before-sof", fjmCat(soi, dqt, dht, fjmSeg(0xDA, []byte{1, 1, 0, 0, 63, 0}), []byte{0, 0xFF, 0xD9})},
	} {
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("%s: parseFastJPEG panics: %v", c.name, r)
				}
			}()
			_, err = parseFastJPEG(c.data[:len(c.data):len(c.data)]) // no bytes past the end to read
		}()
		if !errors.Is(err, errFastJPEG) {
			t.Errorf("%s: parseFastJPEG = %v, want errFastJPEG", c.name, err)
		}
	}
}

// TestParseFastJPEGAccepts: headers image/jpeg reads and the fast path
// must take, each decoded to image/jpeg's pixels — fill bytes before a
// marker, empty and APP15 segments, a bare 5-byte JFIF APP0 or a whole
// one with R, G, B component ids (JFIF makes them Y'CbCr), ids that only
// look like RGB, quantisation table 3, 16-bit quantisation tables (values
// above 255) followed by an 8-bit one in the same segment, a gray frame
// that declares 4×4 sampling (image/jpeg ignores it), a Huffman table of
// 256 symbols.
func TestParseFastJPEGAccepts(t *testing.T) {
	std := fjmStdTables(t)
	var all256 fjmTable // every byte a symbol: 254 codes of 8 bits, 2 of 9
	all256.tc, all256.counts[7], all256.counts[8] = 1, 254, 2
	all256.vals = append([]byte{0x00, 0x01, 0x02, 0x11, 0x03, 0xF0}, make([]byte, 0, 250)...)
	seen := map[byte]bool{0x00: true, 0x01: true, 0x02: true, 0x11: true, 0x03: true, 0xF0: true}
	for v := range 256 {
		if !seen[byte(v)] {
			all256.vals = append(all256.vals, byte(v))
		}
	}
	tq3 := fjmYCbCr(2, 1)
	tq3[0].tq, tq3[1].tq, tq3[2].tq = 3, 3, 2
	q16 := fjmYCbCr(2, 2)
	q16[0].tq, q16[1].tq, q16[2].tq = 1, 2, 2
	gray44 := fjmGray()
	gray44[0].sofH, gray44[0].sofV = 4, 4
	jfif := "JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
	for _, c := range []struct {
		name string
		s    fjmSpec
		fill bool // FF FF before every marker after SOI
	}{
		{"fill-bytes", fjmSpec{w: 24, h: 16, comps: fjmYCbCr(2, 2)}, true},
		{"empty-com", fjmSpec{w: 24, h: 16, comps: fjmGray(), pre: [][]byte{fjmSeg(0xFE, nil)}}, false},
		{"empty-app1", fjmSpec{w: 24, h: 16, comps: fjmGray(), pre: [][]byte{fjmSeg(0xE1, nil)}}, false},
		{"app15", fjmSpec{w: 24, h: 16, comps: fjmGray(), pre: [][]byte{fjmSeg(0xEF, []byte("xy"))}}, false},
		{"jfif-5-rgb-ids", fjmSpec{w: 24, h: 16, comps: fjmIDs('R', 'G', 'B'), pre: [][]byte{fjmSeg(0xE0, []byte("JFIF\x00"))}}, false},
		{"jfif-rgb-ids", fjmSpec{w: 24, h: 16, comps: fjmIDs('R', 'G', 'B'), pre: [][]byte{fjmSeg(0xE0, []byte("JFXX\x00\x10")), fjmSeg(0xE0, []byte(jfif))}}, false},
		{"ids-xgb", fjmSpec{w: 24, h: 16, comps: fjmIDs('X', 'G', 'B')}, false},
		{"ids-rxb", fjmSpec{w: 24, h: 16, comps: fjmIDs('R', 'X', 'B')}, false},
		{"ids-rgx", fjmSpec{w: 24, h: 16, comps: fjmIDs('R', 'G', 'X')}, false},
		{"quant-table-3", fjmSpec{w: 40, h: 24, comps: tq3}, false},
		{"quant-16bit", fjmSpec{w: 40, h: 24, comps: q16, dqt: [][]byte{fjmQuant16(1), append([]byte{0}, bytes.Repeat([]byte{3}, 64)...)}, coef: fjmRandom(5, 6, 0.3)}, false},
		{"gray-declares-4x4", fjmSpec{w: 40, h: 24, comps: gray44}, false},
		{"huffman-256-symbols", fjmSpec{w: 40, h: 24, comps: fjmGray(), dht: []fjmTable{std[0], all256}}, false},
	} {
		d := fjmBuild(t, c.s)
		if c.fill {
			d = fjmFill(d)
		}
		fjmMust(t, c.name, d)
	}
}

// fjmFill puts two fill bytes (0xFF) before every marker from the first
// after SOI to SOS.
func fjmFill(d []byte) []byte {
	out := append([]byte(nil), d[:2]...)
	p := 2
	for p+4 <= len(d) {
		n := int(d[p+2])<<8 | int(d[p+3])
		out = append(out, 0xFF, 0xFF)
		out = append(out, d[p:p+2+n]...)
		m := d[p+1]
		p += 2 + n
		if m == 0xDA {
			break
		}
	}
	return append(out, d[p:]...)
}
