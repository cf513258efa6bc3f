package dataset

import (
	"bytes"
	"testing"
)

// FuzzIDX feeds arbitrary bytes, plain or gzipped, to the IDX readers:
// they must never panic, never allocate more than the header's size
// justifies against the bytes present (readIDXData checks before it
// allocates), and on success return exactly the data the header declares.
func FuzzIDX(f *testing.F) {
	pixels, labels := smallIDX()
	for _, gz := range []bool{false, true} {
		f.Add(idxFile(f, idxImagesMagic, []uint32{5, 3, 4}, pixels, gz))
		f.Add(idxFile(f, idxLabelsMagic, []uint32{5}, labels, gz))
	}
	f.Add(idxFile(f, idxImagesMagic, []uint32{1 << 30, 1 << 10, 1 << 10}, pixels, false)) // huge declared, tiny file
	f.Add(idxFile(f, idxLabelsMagic, []uint32{9}, labels, false))                         // truncated
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		px, n, rows, cols, err := ReadIDXImages(bytes.NewReader(data))
		if err == nil && len(px) != n*rows*cols {
			t.Errorf("images: %d bytes for %d images of %d×%d", len(px), n, rows, cols)
		}
		if err == nil && len(px) > len(data)*1100 { // gzip expands at most ~1032×
			t.Errorf("images: %d bytes from a %d-byte file", len(px), len(data))
		}
		lb, err := ReadIDXLabels(bytes.NewReader(data))
		if err == nil && len(lb) > len(data)*1100 {
			t.Errorf("labels: %d bytes from a %d-byte file", len(lb), len(data))
		}
	})
}
