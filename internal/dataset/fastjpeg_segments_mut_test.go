package dataset

import (
	"errors"
	"fmt"
	"testing"
)

// TestFindSegmentsRefuses: after a valid SOS, entropy-coded data that is
// truncated (no EOI; a lone 0xFF, fill bytes or a stuffed zero at the very
// end; a 0xD9 byte without its 0xFF), too short for the frame's blocks, or
// with restart markers out of place is refused by the parser, without a
// panic.
func TestFindSegmentsRefuses(t *testing.T) {
	gray := fjmHeaders(t, fjmSpec{w: 8, h: 8, comps: fjmGray()})
	big := fjmHeaders(t, fjmSpec{w: 4096, h: 4096, comps: fjmGray()})
	ri2 := fjmHeaders(t, fjmSpec{w: 32, h: 8, comps: fjmGray(), ri: 2})
	eoi := []byte{0xFF, 0xD9}
	for _, c := range []struct {
		name       string
		head, rest []byte
	}{
		{"nothing", gray, nil},
		{"one-byte", gray, []byte{0xFF}},
		{"no-eoi", gray, []byte{0x12, 0x34, 0xD9, 0x56}},
		{"ends-ff", gray, []byte{0x12, 0x34, 0x56, 0xFF}},
		{"ends-fill", gray, []byte{0x12, 0x34, 0x56, 0xFF, 0xFF, 0xFF}},
		{"ends-stuffed", gray, []byte{0x12, 0x34, 0xD9, 0xFF, 0x00}},
		{"ends-rst", ri2, []byte{0x12, 0x34, 0xD9, 0xFF, 0xD0}},
		{"fill-then-junk", gray, []byte{0x12, 0x34, 0xFF, 0xFF, 0x56, 0xD9}},
		{"other-marker", gray, []byte{0x12, 0x34, 0xFF, 0xC4, 0xFF, 0xD9}},
		// 4096×4096: 262144 blocks need at least 65536 bytes.
		{"too-short-for-frame", big, fjmCat(make([]byte, 1000), eoi)},
		{"rst-without-dri", gray, []byte{0x12, 0xFF, 0xD0, 0x34, 0xFF, 0xD9}},
		{"rst-wrong-number", ri2, []byte{0x12, 0xFF, 0xD1, 0x34, 0xFF, 0xD9}},
		{"rst-missing", ri2, []byte{0x12, 0x34, 0xFF, 0xD9}},
		{"rst-extra", ri2, []byte{0x12, 0xFF, 0xD0, 0x34, 0xFF, 0xD1, 0x56, 0xFF, 0xD9}},
		{"rst-extra-at-end", ri2, []byte{0x12, 0xFF, 0xD0, 0x34, 0xFF, 0xD1, 0xFF, 0xD9}},
	} {
		d := fjmCat(c.head, c.rest)
		d = d[:len(d):len(d)] // no bytes past the end to read
		var err error
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("%s: parseFastJPEG panics: %v", c.name, r)
				}
			}()
			_, err = parseFastJPEG(d)
		}()
		if !errors.Is(err, errFastJPEG) {
			t.Errorf("%s: parseFastJPEG = %v, want errFastJPEG", c.name, err)
		}
	}
}

// TestFindSegmentsAccepts: data whose first byte is a stuffed 0xFF (a DC
// difference of category 11 from a quantiser of 1), fill bytes before
// EOI, restart intervals that divide the MCUs or not, a restart count
// past eight (RST7 wraps to RST0): the fast path takes the file and gives
// image/jpeg's pixels.
func TestFindSegmentsAccepts(t *testing.T) {
	ones := []byte{0}
	for range 64 {
		ones = append(ones, 1)
	}
	bright := func(c, bx, by int) [64]int { // every DC level 1500: first code 111111110…
		var b [64]int
		b[0], b[1+bx%5] = 1500, 3-by%7
		return b
	}
	for _, c := range []struct {
		name string
		s    fjmSpec
	}{
		{"first-byte-ff", fjmSpec{w: 16, h: 8, comps: fjmGray(), dqt: [][]byte{ones}, coef: bright}},
		{"first-byte-ff-ri", fjmSpec{w: 24, h: 8, comps: fjmGray(), dqt: [][]byte{ones}, coef: bright, ri: 1}},
		{"fill-before-eoi", fjmSpec{w: 20, h: 12, comps: fjmGray(), post: []byte{0xFF, 0xFF, 0xFF}}},
		{"fill-before-eoi-ri", fjmSpec{w: 20, h: 12, comps: fjmYCbCr(2, 2), ri: 1, post: []byte{0xFF}}},
		{"ri-divides", fjmSpec{w: 64, h: 16, comps: fjmGray(), ri: 4}},
		{"ri-remainder", fjmSpec{w: 72, h: 16, comps: fjmGray(), ri: 4}},
		{"ri-wraps", fjmSpec{w: 8 * 21, h: 8, comps: fjmGray(), ri: 2}},
		{"ri-larger-than-frame", fjmSpec{w: 16, h: 16, comps: fjmYCbCr(2, 1), ri: 100}},
	} {
		fjmMust(t, fmt.Sprint(c.name), fjmBuild(t, c.s))
	}
}
