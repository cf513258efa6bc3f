package nn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"slices"
	"strings"
	"testing"
)

// headerFile is an 8-byte header length n followed by body, which need not
// be n bytes long.
func headerFile(n uint64, body string) []byte {
	return append(binary.LittleEndian.AppendUint64(nil, n), body...)
}

// TestReadHeaderLengthBounds checks the header length against its limits
// (2 to maxHeaderLen bytes) and against the input's length, each at and
// just past the boundary, from an input of known length and from a stream.
func TestReadHeaderLengthBounds(t *testing.T) {
	tests := []struct {
		name       string
		in         []byte
		known      string // error with the length known ("" = accepted)
		stream     string // error from a stream of unknown length
		wantTensor int
	}{
		{"length 0", headerFile(0, ""), "header length 0 is out of range (2 to 100000000)", "header length 0 is out of range", 0},
		{"length 1", headerFile(1, "{"), "header length 1 is out of range", "header length 1 is out of range", 0},
		{"length 2 fills the file", headerFile(2, "{}"), "", "", 0},
		{"one byte past the end", headerFile(3, "{}"), "header length 3 is larger than the file (10 bytes)", "truncated: header length is 3 bytes, the file ends after 2", 0},
		{"eight bytes past the end", headerFile(10, "{}"), "header length 10 is larger than the file (10 bytes)", "truncated: header length is 10 bytes, the file ends after 2", 0},
		{"the largest length, short file", headerFile(maxHeaderLen, "{}"), "header length 100000000 is larger than the file", "truncated: header length is 100000000 bytes, the file ends after 2", 0},
		{"one past the largest", headerFile(maxHeaderLen+1, "{}"), "header length 100000001 is out of range", "header length 100000001 is out of range", 0},
		{"no length", []byte{2, 0, 0, 0, 0, 0, 0}, "file too short: expected an 8-byte header length, received 7 bytes", "received 7 bytes", 0},
		{"one empty tensor", headerFile(54, `{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}`), "", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []string{"known", "stream"} {
				size, want := int64(len(tt.in)), tt.known
				if mode == "stream" {
					size, want = -1, tt.stream
				}
				h, err := readHeader(io.MultiReader(bytes.NewReader(tt.in)), size)
				switch {
				case want == "" && err != nil:
					t.Errorf("%s: error %v, want none", mode, err)
				case want == "" && (h.DataLen != 0 || len(h.Tensors) != tt.wantTensor):
					t.Errorf("%s: header %+v, want %d tensors and no data", mode, h, tt.wantTensor)
				case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
					t.Errorf("%s: error %v, want one containing %q", mode, err, want)
				}
			}
		})
	}
}

// TestReadHeaderDataLength checks the data section's length against the
// header's, with the byte counts the errors give.
func TestReadHeaderDataLength(t *testing.T) {
	header := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	tests := []struct {
		name string
		data int // bytes of data after the header
		want string
	}{
		{"exact", 8, ""},
		{"short by 4", 4, "truncated: the header declares 8 data bytes, the file holds 4"},
		{"short by 1", 7, "truncated: the header declares 8 data bytes, the file holds 7"},
		{"no data", 0, "truncated: the header declares 8 data bytes, the file holds 0"},
		{"long by 1", 9, "1 bytes after the last tensor (the header declares 8 data bytes)"},
		{"long by 12", 20, "12 bytes after the last tensor (the header declares 8 data bytes)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append(rawFile([]byte(header), nil), make([]byte, tt.data)...)
			h, err := readHeader(bytes.NewReader(in), int64(len(in)))
			if tt.want == "" {
				if err != nil || h.DataLen != 8 {
					t.Fatalf("header %+v, error %v; want 8 data bytes", h, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestParseHeaderTiling checks that tensors are put in data order and must
// tile the data section: zero-size tensors anywhere (the reference reader
// orders entries by their (begin, end) pair, so an empty tensor at a
// non-empty one's begin comes first), gaps and overlaps with their sizes.
func TestParseHeaderTiling(t *testing.T) {
	tests := []struct {
		name    string
		header  string
		order   string // tensor names in data order
		dataLen int64
		want    string
	}{
		{"in order", `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, "a b", 12, ""},
		{"reversed", `{"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, "a b", 12, ""},
		{"empty first", `{"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, "e a", 4, ""},
		{"empty listed after", `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}`, "e a", 4, ""},
		{"empty in the middle", `{"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"e":{"dtype":"U8","shape":[3,0],"data_offsets":[4,4]}}`, "a e b", 8, ""},
		{"empty at the end", `{"e":{"dtype":"F32","shape":[0,7],"data_offsets":[4,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, "a e", 4, ""},
		{"only empty", `{"e":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"f":{"dtype":"I64","shape":[0],"data_offsets":[0,0]}}`, "e f", 0, ""},
		{"gap of 4", `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, "", 0, `"b": data_offsets [8, 12] leave a gap of 4 bytes before it`},
		{"gap at the start", `{"a":{"dtype":"U8","shape":[1],"data_offsets":[3,4]}}`, "", 0, `"a": data_offsets [3, 4] leave a gap of 3 bytes before it`},
		{"overlap", `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, "", 0, `"b": data_offsets [4, 8] overlap "a"`},
		{"same range twice", `{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, "", 0, `data_offsets [0, 4] overlap`},
		{"metadata only", `{"__metadata__":{"k":"v"}}`, "", 0, ""},
		{"empty object", `{}`, "", 0, ""},
		{"trailing spaces", "{}  \t\r\n", "", 0, ""},
		{"trailing data", "{} 1", "", 0, "unexpected data after the JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := parseHeader([]byte(tt.header))
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %v, want one containing %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, e := range h.Tensors {
				names = append(names, e.Name)
			}
			if got := strings.Join(names, " "); got != tt.order || h.DataLen != tt.dataLen {
				t.Errorf("order %q, %d data bytes; want %q, %d", got, h.DataLen, tt.order, tt.dataLen)
			}
		})
	}
}

// TestCheckEntryBounds checks one entry's dtype, shape and byte range at
// the edges: exact fits of every rank, zero dimensions, empty ranges, the
// 2^50 limit on an offset and products that would overflow.
func TestCheckEntryBounds(t *testing.T) {
	tests := []struct {
		name    string
		dtype   string
		shape   []int
		offsets []float64
		want    string // error ("" = accepted)
	}{
		{"scalar", "F32", []int{}, []float64{0, 4}, ""},
		{"vector", "F32", []int{3}, []float64{4, 16}, ""},
		{"2x2 exact", "F32", []int{2, 2}, []float64{0, 16}, ""},
		{"3x5x7 exact", "U8", []int{3, 5, 7}, []float64{10, 115}, ""},
		{"2x3 of F64", "F64", []int{2, 3}, []float64{0, 48}, ""},
		{"2x2 of BF16", "BF16", []int{2, 2}, []float64{0, 8}, ""},
		{"zero dimension", "F32", []int{0}, []float64{0, 0}, ""},
		{"zero among others", "F32", []int{5, 0, 1 << 40}, []float64{8, 8}, ""},
		{"empty range, scalar", "F32", []int{}, []float64{4, 4}, "shape () of F32 needs 4 bytes, data_offsets [4, 4] hold 0"},
		{"2x2 one byte short", "F32", []int{2, 2}, []float64{0, 15}, "needs more bytes than data_offsets [0, 15] hold"},
		{"2x2 one element long", "F32", []int{2, 2}, []float64{0, 20}, "shape (2, 2) of F32 needs 16 bytes, data_offsets [0, 20] hold 20"},
		{"not a multiple of the dtype", "F32", []int{1}, []float64{0, 5}, "needs 4 bytes, data_offsets [0, 5] hold 5"},
		{"zero before others", "F32", []int{5, 0}, []float64{8, 8}, ""},
		{"negative after zero", "F32", []int{0, -1}, []float64{0, 0}, "shape (0, -1) has a negative dimension"},
		{"negative after one", "U8", []int{1, -1}, []float64{0, 1}, "shape (1, -1) has a negative dimension"},
		{"negative first", "F32", []int{-1, 0}, []float64{0, 0}, "shape (-1, 0) has a negative dimension"},
		{"the largest end", "F32", []int{1 << 48}, []float64{0, 1 << 50}, ""},
		{"past the largest end", "U8", []int{1<<50 + 4}, []float64{0, 1<<50 + 4}, "are not a valid byte range"},
		{"negative begin", "U8", []int{1}, []float64{-1, 0}, "data_offsets [-1, 0] are not a valid byte range"},
		{"begin 0", "U8", []int{1}, []float64{0, 1}, ""},
		{"three offsets", "U8", []int{1}, []float64{0, 1, 2}, "data_offsets: expected [begin, end], received 3 numbers"},
		{"one offset", "U8", []int{1}, []float64{1}, "received 1 numbers"},
		{"overflowing product", "U8", []int{1 << 31, 1 << 31, 1 << 31}, []float64{0, 1 << 40}, "needs more bytes than data_offsets [0, 1099511627776] hold"},
		{"product past the range by one", "U8", []int{3, 3}, []float64{0, 8}, "needs more bytes"},
		{"product past a range not at 0", "U8", []int{2, 3}, []float64{10, 15}, "shape (2, 3) needs more bytes than data_offsets [10, 15] hold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dt := tt.dtype
			e, err := checkEntry("x", &dt, tt.shape, tt.offsets)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if e.Begin != int64(tt.offsets[0]) || e.End != int64(tt.offsets[1]) || e.DType != tt.dtype || e.Name != "x" {
					t.Errorf("entry %+v", e)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestCheckFiniteFirstAndCount checks which value checkFinite reports
// (the first non-finite one, wherever it is) and how many it counts.
func TestCheckFiniteFirstAndCount(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	tests := []struct {
		name  string
		v     []float32
		first int // -1: finite
		count int
	}{
		{"finite", []float32{0, -1, math.MaxFloat32, -math.MaxFloat32, 1e-45}, -1, 0},
		{"empty", nil, -1, 0},
		{"first at 0, then more", []float32{nan, 1, inf, -inf}, 0, 3},
		{"only at 0", []float32{-inf, 2}, 0, 1},
		{"at 1 and 2", []float32{0, inf, nan}, 1, 2},
		{"last", []float32{1, 2, 3, nan}, 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkFinite("w", []int{len(tt.v)}, tt.v)
			if tt.first < 0 {
				if err != nil {
					t.Fatalf("error %v for finite values", err)
				}
				return
			}
			var nf *notFiniteError
			if !errors.As(err, &nf) {
				t.Fatalf("error %v, want a *notFiniteError", err)
			}
			if nf.index != tt.first || nf.count != tt.count || math.Float32bits(nf.value) != math.Float32bits(tt.v[tt.first]) {
				t.Errorf("first %d (%v), count %d; want %d (%v), %d", nf.index, nf.value, nf.count, tt.first, tt.v[tt.first], tt.count)
			}
		})
	}
}

// TestUnravelZeroDimension: a zero dimension leaves its index at 0 rather
// than dividing by zero.
func TestUnravelZeroDimension(t *testing.T) {
	if got := unravel(5, []int{2, 0, 3}); !slices.Equal(got, []int{1, 0, 2}) {
		t.Errorf("unravel(5, (2, 0, 3)) = %v, want [1 0 2]", got)
	}
}
