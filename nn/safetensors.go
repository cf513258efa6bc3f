package nn

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"unsafe"
)

// This file reads and writes the safetensors container
// (https://github.com/huggingface/safetensors, "Format"): an 8-byte
// little-endian header length N, N bytes of JSON header, then the tensor
// bytes. See FORMAT.md for Convscope's use of it.

// maxHeaderLen is the largest header accepted, as the reference
// implementation's MAX_HEADER_SIZE.
const maxHeaderLen = 100_000_000

// dtypeSizes maps the safetensors dtypes to their sizes in bytes.
var dtypeSizes = map[string]int{
	"BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1,
	"I16": 2, "U16": 2, "F16": 2, "BF16": 2,
	"I32": 4, "U32": 4, "F32": 4,
	"I64": 8, "U64": 8, "F64": 8,
}

// stTensor is one tensor entry of a safetensors header.
type stTensor struct {
	Name       string
	DType      string
	Shape      []int
	Begin, End int64 // data_offsets, relative to the start of the data
}

// stHeader is a parsed and validated safetensors header.
type stHeader struct {
	Meta    map[string]string
	Tensors []stTensor // sorted by offset
	DataLen int64      // bytes of tensor data after the header
}

// readHeader reads and validates the header from r. size is the total
// length of the input if known, or -1.
func readHeader(r io.Reader, size int64) (*stHeader, error) {
	var lenBuf [8]byte
	if n, err := io.ReadFull(r, lenBuf[:]); err != nil {
		return nil, fmt.Errorf("nn: safetensors: file too short: expected an 8-byte header length, received %d bytes", n)
	}
	n := binary.LittleEndian.Uint64(lenBuf[:])
	switch {
	case n < 2 || n > maxHeaderLen:
		return nil, fmt.Errorf("nn: safetensors: header length %d is out of range (2 to %d): not a safetensors file", n, maxHeaderLen)
	case size >= 0 && n > uint64(size-8):
		return nil, fmt.Errorf("nn: safetensors: header length %d is larger than the file (%d bytes): truncated or not a safetensors file", n, size)
	}
	raw, err := io.ReadAll(io.LimitReader(r, int64(n)))
	if err != nil {
		return nil, fmt.Errorf("nn: safetensors: reading the header: %w", err)
	}
	if uint64(len(raw)) != n {
		return nil, fmt.Errorf("nn: safetensors: truncated: header length is %d bytes, the file ends after %d", n, len(raw))
	}
	h, err := parseHeader(raw)
	if err != nil {
		return nil, err
	}
	if size >= 0 && 8+int64(n)+h.DataLen != size {
		if 8+int64(n)+h.DataLen > size {
			return nil, fmt.Errorf("nn: safetensors: truncated: the header declares %d data bytes, the file holds %d", h.DataLen, size-8-int64(n))
		}
		return nil, fmt.Errorf("nn: safetensors: %d bytes after the last tensor (the header declares %d data bytes)", size-8-int64(n)-h.DataLen, h.DataLen)
	}
	return h, nil
}

// parseHeader decodes and validates the JSON header: every tensor has a
// known dtype, non-negative dimensions and a byte range matching them, and
// the ranges tile the data section without gaps or overlaps.
func parseHeader(raw []byte) (*stHeader, error) {
	if raw[0] != '{' {
		return nil, errors.New("nn: safetensors: the header does not start with '{': not a safetensors file")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil, headerJSONError(err)
	}
	h := &stHeader{}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, headerJSONError(err)
		}
		name := tok.(string) // object keys are always strings
		if seen[name] {
			return nil, fmt.Errorf("nn: safetensors: header: duplicate entry %q", name)
		}
		seen[name] = true
		if name == "__metadata__" {
			if err := dec.Decode(&h.Meta); err != nil {
				return nil, fmt.Errorf("nn: safetensors: header: __metadata__: expected an object of strings: %w", unwrapJSON(err))
			}
			continue
		}
		var e struct {
			DType   *string   `json:"dtype"`
			Shape   []int     `json:"shape"`
			Offsets []float64 `json:"data_offsets"`
		}
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("nn: safetensors: header: %q: %w", name, unwrapJSON(err))
		}
		t, err := checkEntry(name, e.DType, e.Shape, e.Offsets)
		if err != nil {
			return nil, err
		}
		h.Tensors = append(h.Tensors, t)
	}
	if _, err := dec.Token(); err != nil {
		return nil, headerJSONError(err)
	}
	if rest := bytes.TrimRight(raw[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, errors.New("nn: safetensors: header: unexpected data after the JSON object")
	}
	// Data order is by (begin, end), as the reference reader sorts: an
	// empty tensor at another's begin comes first, whatever the JSON order.
	sort.SliceStable(h.Tensors, func(i, j int) bool {
		a, b := h.Tensors[i], h.Tensors[j]
		return a.Begin < b.Begin || a.Begin == b.Begin && a.End < b.End
	})
	var end int64
	for i, t := range h.Tensors {
		if t.Begin != end {
			if t.Begin < end {
				return nil, fmt.Errorf("nn: safetensors: %q: data_offsets [%d, %d] overlap %q", t.Name, t.Begin, t.End, h.Tensors[i-1].Name)
			}
			return nil, fmt.Errorf("nn: safetensors: %q: data_offsets [%d, %d] leave a gap of %d bytes before it", t.Name, t.Begin, t.End, t.Begin-end)
		}
		end = t.End
	}
	h.DataLen = end
	return h, nil
}

// checkEntry validates one tensor entry.
func checkEntry(name string, dtype *string, shape []int, offsets []float64) (stTensor, error) {
	bad := func(format string, a ...any) (stTensor, error) {
		return stTensor{}, fmt.Errorf("nn: safetensors: %q: "+format, append([]any{name}, a...)...)
	}
	if dtype == nil || shape == nil || offsets == nil {
		return bad(`expected "dtype", "shape" and "data_offsets"`)
	}
	size, ok := dtypeSizes[*dtype]
	if !ok {
		return bad("unknown dtype %q", *dtype)
	}
	if len(offsets) != 2 {
		return bad("data_offsets: expected [begin, end], received %d numbers", len(offsets))
	}
	b, e := offsets[0], offsets[1]
	if b != math.Trunc(b) || e != math.Trunc(e) || b < 0 || e < b || e > 1<<50 {
		return bad("data_offsets [%v, %v] are not a valid byte range", b, e)
	}
	t := stTensor{Name: name, DType: *dtype, Shape: shape, Begin: int64(b), End: int64(e)}
	// Count elements without overflow: the product may not exceed the range.
	// A zero dimension empties the tensor whatever the other dimensions are
	// (every one is still checked for a sign).
	limit := (t.End - t.Begin) / int64(size)
	count := int64(1)
	if slices.Contains(shape, 0) {
		count = 0
	}
	for _, d := range shape {
		if d < 0 {
			return bad("shape %s has a negative dimension", shapeString(shape))
		}
		if count == 0 {
			continue
		}
		if count > limit/int64(d) {
			return bad("shape %s needs more bytes than data_offsets [%d, %d] hold", shapeString(shape), t.Begin, t.End)
		}
		count *= int64(d)
	}
	if count*int64(size) != t.End-t.Begin {
		return bad("shape %s of %s needs %d bytes, data_offsets [%d, %d] hold %d", shapeString(shape), *dtype, count*int64(size), t.Begin, t.End, t.End-t.Begin)
	}
	return t, nil
}

func headerJSONError(err error) error {
	return fmt.Errorf("nn: safetensors: header is not valid JSON: %w", unwrapJSON(err))
}

// unwrapJSON shortens encoding/json's messages a little.
func unwrapJSON(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("unexpected end of JSON")
	}
	return err
}

// writeHeader writes the 8-byte length and the JSON header for the given
// metadata and F32 tensors (laid out in order), padded with spaces to a
// multiple of 8 bytes as the reference implementation does.
func writeHeader(w io.Writer, meta map[string]string, names []string, shapes [][]int) error {
	var b bytes.Buffer
	b.WriteString(`{"__metadata__":`)
	mj, err := json.Marshal(meta) // keys sorted
	if err != nil {
		return err
	}
	b.Write(mj)
	var off int64
	for i, name := range names {
		nj, _ := json.Marshal(name)
		b.WriteByte(',')
		b.Write(nj)
		b.WriteString(`:{"dtype":"F32","shape":[`)
		for j, d := range shapes[i] {
			if j > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(d))
		}
		n := int64(4 * shapeSize(shapes[i]))
		fmt.Fprintf(&b, `],"data_offsets":[%d,%d]}`, off, off+n)
		off += n
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(b.Len()))
	if _, err := w.Write(lenBuf[:]); err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

// stChunk is the size of the buffer float32 data is converted through.
const stChunk = 64 << 10

// nativeLE reports whether float32s are stored little-endian in memory, so
// that tensor data can be copied as bytes.
var nativeLE = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// f32Bytes returns the memory of v as bytes.
func f32Bytes(v []float32) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), 4*len(v))
}

// writeF32 writes v as little-endian float32 (converting through buf on
// big-endian machines).
func writeF32(w io.Writer, v []float32, buf []byte) error {
	if nativeLE {
		_, err := w.Write(f32Bytes(v))
		return err
	}
	for len(v) > 0 {
		n := min(len(v), len(buf)/4)
		for i, x := range v[:n] {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(x))
		}
		if _, err := w.Write(buf[:4*n]); err != nil {
			return err
		}
		v = v[n:]
	}
	return nil
}

// readF32 fills v from little-endian float32 data in r (converting through
// buf on big-endian machines).
func readF32(r io.Reader, v []float32, buf []byte) error {
	if nativeLE {
		_, err := io.ReadFull(r, f32Bytes(v))
		return err
	}
	for len(v) > 0 {
		n := min(len(v), len(buf)/4)
		if _, err := io.ReadFull(r, buf[:4*n]); err != nil {
			return err
		}
		for i := range v[:n] {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(buf[4*i:]))
		}
		v = v[n:]
	}
	return nil
}

// newBufReader wraps r for the small reads the header needs, unless it is
// already buffered.
func newBufReader(r io.Reader) io.Reader {
	switch r.(type) {
	case *bufio.Reader, *bytes.Reader, *bytes.Buffer:
		return r
	}
	return bufio.NewReaderSize(r, stChunk)
}
