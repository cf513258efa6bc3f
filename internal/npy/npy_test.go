package npy

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestHeader(t *testing.T) {
	for _, tc := range []struct {
		shape []int
		dict  string
	}{
		{[]int{2, 3}, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"},
		{[]int{5}, "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"},
		{[]int{}, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }"},
		{[]int{1, 148, 148, 32}, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 148, 148, 32), }"},
	} {
		h := Header(tc.shape)
		if len(h)%64 != 0 {
			t.Errorf("%v: preamble+header is %d bytes, not a multiple of 64", tc.shape, len(h))
		}
		if string(h[:8]) != "\x93NUMPY\x01\x00" {
			t.Errorf("%v: magic/version % x", tc.shape, h[:8])
		}
		if hl := int(h[8]) | int(h[9])<<8; hl != len(h)-10 {
			t.Errorf("%v: HEADER_LEN %d, want %d", tc.shape, hl, len(h)-10)
		}
		body := string(h[10:])
		if !strings.HasPrefix(body, tc.dict) {
			t.Errorf("%v: header %q, want prefix %q", tc.shape, body, tc.dict)
		}
		rest := body[len(tc.dict):]
		if rest[len(rest)-1] != '\n' || strings.Trim(rest[:len(rest)-1], " ") != "" {
			t.Errorf("%v: padding %q is not spaces then newline", tc.shape, rest)
		}
	}
}

// TestHeaderBytes pins the exact bytes numpy 1.24.2 writes for
// np.save(f, np.zeros(shape, np.float32)) (dumped with Debian's python3-numpy).
func TestHeaderBytes(t *testing.T) {
	const pre = "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': "
	for _, tc := range []struct {
		shape []int
		want  string
	}{
		{[]int{2, 3}, pre + "(2, 3), }" + strings.Repeat(" ", 58) + "\n"},
		{[]int{5}, pre + "(5,), }" + strings.Repeat(" ", 60) + "\n"},
		{[]int{}, pre + "(), }" + strings.Repeat(" ", 62) + "\n"},
		{[]int{1, 148, 148, 32}, pre + "(1, 148, 148, 32), }" + strings.Repeat(" ", 47) + "\n"},
		// A six-digit first dimension where numpy's growth room (21 digits
		// less the first dimension's) decides between 128 and 192 bytes
		// (np.lib.format.write_array_header_1_0, numpy 1.24.2).
		{[]int{100000, 12345, 12345, 33, 333, 333, 3}, pre + "(100000, 12345, 12345, 33, 333, 333, 3), }" + strings.Repeat(" ", 25) + "\n"},
	} {
		if got := string(Header(tc.shape)); got != tc.want {
			t.Errorf("Header(%v) =\n%q\nwant\n%q", tc.shape, got, tc.want)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		shape []int
		data  []float32
	}{
		{[]int{2, 3}, []float32{1, -2, 3.5, 0, float32(math.Inf(1)), 1e-38}},
		{[]int{0, 4}, []float32{}},
		{[]int{}, []float32{42}},
		{[]int{3, 5, 7, 11}, seq(3 * 5 * 7 * 11)},
		{[]int{5000}, seq(5000)}, // crosses the 1024-value buffer
	} {
		p := filepath.Join(dir, "a.npy")
		if err := WriteFile(p, tc.shape, tc.data); err != nil {
			t.Fatal(err)
		}
		shape, data, err := ReadFile(p)
		if err != nil {
			t.Fatalf("%v: %v", tc.shape, err)
		}
		if !reflect.DeepEqual(shape, tc.shape) || !reflect.DeepEqual(data, tc.data) {
			t.Errorf("%v: round trip gave shape %v data %v", tc.shape, shape, data[:min(len(data), 8)])
		}
		fi, _ := os.Stat(p)
		if want := int64(len(Header(tc.shape)) + 4*len(tc.data)); fi.Size() != want {
			t.Errorf("%v: file size %d, want %d", tc.shape, fi.Size(), want)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("temporary files left behind: %v", ents)
	}
}

func TestLittleEndianData(t *testing.T) {
	var b bytes.Buffer
	if err := Encode(&b, []int{1}, []float32{1}); err != nil {
		t.Fatal(err)
	}
	// float32(1) = 0x3f800000, stored little-endian.
	if got := b.Bytes()[128:]; !bytes.Equal(got, []byte{0, 0, 0x80, 0x3f}) {
		t.Errorf("data bytes % x", got)
	}
}

func TestErrors(t *testing.T) {
	if err := Encode(&bytes.Buffer{}, []int{2, 2}, make([]float32, 3)); err == nil ||
		!strings.Contains(err.Error(), "received 3") {
		t.Errorf("size mismatch: %v", err)
	}
	f8 := strings.Replace(string(Header([]int{2})), "<f4", "<f8", 1)
	fo := strings.Replace(string(Header([]int{2})), "False", "True ", 1)
	for name, in := range map[string]string{
		"magic":     "\x93NUMPX\x01\x00",
		"version":   "\x93NUMPY\x03\x00\x00\x00",
		"short":     "\x93NU",
		"dtype":     f8,
		"fortran":   fo,
		"truncated": string(Header([]int{2})) + "\x00\x00",
	} {
		if _, _, err := Decode(strings.NewReader(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "no", "dir.npy"), []int{1}, []float32{1}); err == nil {
		t.Error("writing into a missing directory: no error")
	}
}

func seq(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(i) * 0.25
	}
	return s
}

// TestHeaderLengthLimit: a version 2.0 header of exactly 1 MiB (the limit)
// is read; one byte more is refused as implausible.
func TestHeaderLengthLimit(t *testing.T) {
	dict := "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }"
	for _, tc := range []struct {
		hlen int
		ok   bool
	}{{1 << 20, true}, {1<<20 + 1, false}} {
		var b bytes.Buffer
		b.WriteString("\x93NUMPY\x02\x00")
		binary.Write(&b, binary.LittleEndian, uint32(tc.hlen))
		b.WriteString(dict)
		b.WriteString(strings.Repeat(" ", tc.hlen-len(dict)-1) + "\n")
		b.Write([]byte{0, 0, 0x80, 0x3f}) // 1.0
		shape, data, err := Decode(&b)
		if tc.ok && (err != nil || len(shape) != 1 || shape[0] != 1 || data[0] != 1) {
			t.Errorf("header of %d bytes: %v %v %v, want shape [1] and data [1]", tc.hlen, shape, data, err)
		}
		if !tc.ok && (err == nil || !strings.Contains(err.Error(), "implausible")) {
			t.Errorf("header of %d bytes: error %v, want \"implausible\"", tc.hlen, err)
		}
	}
}

// TestSizeLimit: a shape of exactly maxValues (2³¹ − 1) values passes the
// size check (and then fails on the missing data); one of 65536 × 65536
// (2³², which would overflow an int32 product) is refused as too large
// before anything is read.
func TestSizeLimit(t *testing.T) {
	for _, tc := range []struct {
		shape []int
		want  string
	}{
		{[]int{1<<31 - 1}, "expected 2147483647 values, the file ends after 0"},
		{[]int{1, 1<<31 - 1}, "expected 2147483647 values, the file ends after 0"},
		{[]int{65536, 65536}, "holds more than 2147483647 values"},
		{[]int{1 << 31}, "holds more than 2147483647 values"},
	} {
		_, _, err := Decode(bytes.NewReader(Header(tc.shape)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("shape %v: %v, want %q", tc.shape, err, tc.want)
		}
	}
}
