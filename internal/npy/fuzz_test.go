package npy

import (
	"bytes"
	"slices"
	"testing"
)

// FuzzDecode: no input makes Decode panic or allocate more than the input
// holds, and whatever decodes encodes back to an array that decodes the
// same. Seeds: testdata/fuzz/FuzzDecode and the cases below.
func FuzzDecode(f *testing.F) {
	var b bytes.Buffer
	Encode(&b, []int{2, 3}, []float32{1, 2, 3, 4, 5, 6})
	f.Add(b.Bytes())
	b.Reset()
	Encode(&b, []int{}, []float32{7})
	f.Add(b.Bytes())
	f.Add(Header([]int{99999999999, 99999999999}))
	f.Add(Header([]int{4000000000}))
	f.Add([]byte("\x93NUMPY\x02\x00\x10\x00\x00\x00{'shape': (1,)}"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, in []byte) {
		shape, data, err := Decode(bytes.NewReader(in))
		if err != nil {
			return
		}
		if len(data) > len(in)/4 {
			t.Fatalf("%d values decoded from %d bytes", len(data), len(in))
		}
		var out bytes.Buffer
		if err := Encode(&out, shape, data); err != nil {
			t.Fatalf("re-encoding %v: %v", shape, err)
		}
		s2, d2, err := Decode(&out)
		if err != nil || !slices.Equal(s2, shape) || len(d2) != len(data) {
			t.Fatalf("round trip: %v %v %d, want %v %d", err, s2, len(d2), shape, len(data))
		}
		for i := range data {
			if d2[i] != data[i] && data[i] == data[i] {
				t.Fatalf("value %d: %v, want %v", i, d2[i], data[i])
			}
		}
	})
}

// A header declaring a huge or overflowing shape over a short file is an
// error, not a panic or a gigabyte allocation (found by FuzzDecode).
func TestDecodeHugeShape(t *testing.T) {
	for _, shape := range [][]int{{99999999999, 99999999999}, {3037000500, 3037000500}, {4000000000}, {1 << 30, 1 << 30, 0, 5}} {
		in := append(Header(shape), 0, 0, 0, 0)
		got, data, err := Decode(bytes.NewReader(in))
		zero := slices.Contains(shape, 0)
		if zero != (err == nil) || (zero && len(data) != 0) {
			t.Errorf("shape %v: %v, %d values, error %v", shape, got, len(data), err)
		}
	}
}
