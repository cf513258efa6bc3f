package dataset

import "bytes"

// findSegments splits the entropy-coded data that starts at rest into
// restart intervals and checks that EOI follows it. Each RSTn must be the
// expected one and there must be exactly one per interval boundary.
func (f *fjFrame) findSegments(rest []byte) error {
	mcus := f.mcuw * f.mcuh
	want := 1
	if f.ri > 0 {
		want = (mcus + f.ri - 1) / f.ri
	}
	// Every block costs at least two bits (a DC code and an end of
	// block): refuse data too short for the frame before allocating
	// anything in proportion to the frame.
	blocks := 0
	for i := range f.ncomp {
		blocks += f.comp[i].bw * f.comp[i].bh
	}
	if blocks/4 > len(rest) {
		return errFastJPEG
	}
	f.segs = make([][]byte, 0, min(want, len(rest)/2+1))
	start, i := 0, 0
	for {
		j := indexFF(rest, i)
		if j < 0 || j+1 >= len(rest) {
			return errFastJPEG
		}
		m := rest[j+1]
		switch {
		case m == 0:
			i = j + 2
			continue
		case m >= mRST0 && m <= mRST0+7:
			if f.ri == 0 || m != mRST0+uint8(len(f.segs)%8) || len(f.segs)+1 >= want {
				return errFastJPEG
			}
			f.segs = append(f.segs, rest[start:j])
			start, i = j+2, j+2
			continue
		}
		if len(f.segs)+1 != want {
			return errFastJPEG
		}
		f.segs = append(f.segs, rest[start:j])
		// Only fill bytes may stand between the scan and EOI.
		k := j + 1
		for k < len(rest) && rest[k] == 0xFF {
			k++
		}
		if k >= len(rest) || rest[k] != mEOI {
			return errFastJPEG
		}
		return nil
	}
}

// indexFF returns the index of the first 0xFF in b at or after i, or -1.
func indexFF(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	if j := bytes.IndexByte(b[i:], 0xFF); j >= 0 {
		return i + j
	}
	return -1
}
