// Package npy writes and reads NumPy .npy files (format version 1.0) holding
// little-endian float32 arrays ('<f4') in C (row-major) order, so activations
// and weights exported by Convscope open with numpy.load.
//
// The format, from the NumPy specification
// (numpy/lib/format.py, "NEP 1 — A simple file format for NumPy arrays"):
//
//	magic     6 bytes  "\x93NUMPY"
//	version   2 bytes  major 1, minor 0
//	HEADER_LEN         uint16 little-endian
//	header    HEADER_LEN bytes of ASCII: a Python dict literal
//	          {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
//	          padded with spaces (numpy ≥ 1.24 first adds 21 − digits(shape[0])
//	          spaces of room to grow) and ended by '\n' so that
//	          len(magic+version+HEADER_LEN+header) % 64 == 0
//	data      prod(shape) values, C order
package npy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/convscope/convscope/internal/atomicfile"
)

// Magic is the 6-byte prefix of every .npy file.
const Magic = "\x93NUMPY"

// align is the multiple the preamble plus header is padded to (NumPy ≥ 1.14 uses 64).
const align = 64

// growthDigits is numpy's GROWTH_AXIS_MAX_DIGITS (len(str(8*2**64-1))).
const growthDigits = 21

// Header returns the complete preamble (magic, version, HEADER_LEN and the
// padded header dict) for a C-order '<f4' array of the given shape.
// It panics if a dimension is negative.
func Header(shape []int) []byte {
	var d strings.Builder
	d.WriteString("{'descr': '<f4', 'fortran_order': False, 'shape': (")
	for i, n := range shape {
		if n < 0 {
			panic(fmt.Sprintf("npy: negative dimension %d in shape %v", n, shape))
		}
		if i > 0 {
			d.WriteString(", ")
		}
		d.WriteString(strconv.Itoa(n))
	}
	if len(shape) == 1 {
		d.WriteByte(',')
	}
	d.WriteString("), }")
	if len(shape) > 0 {
		// Like numpy ≥ 1.24, reserve room for the first dimension to grow to
		// 21 digits so the array can be appended to in place.
		d.WriteString(strings.Repeat(" ", growthDigits-len(strconv.Itoa(shape[0]))))
	}
	dict := d.String()
	// 10 bytes of preamble + dict + padding + '\n' ≡ 0 (mod 64).
	total := 10 + len(dict) + 1
	pad := (align - total%align) % align
	hlen := len(dict) + pad + 1
	b := make([]byte, 0, 10+hlen)
	b = append(b, Magic...)
	b = append(b, 1, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(hlen))
	b = append(b, dict...)
	b = append(b, bytes.Repeat([]byte{' '}, pad)...)
	return append(b, '\n')
}

// Encode writes data, shaped as shape, to w in .npy v1.0 format.
// It returns an error if len(data) differs from the product of shape.
func Encode(w io.Writer, shape []int, data []float32) error {
	if n := size(shape); n != len(data) {
		return fmt.Errorf("npy: shape %v holds %d values, received %d", shape, n, len(data))
	}
	if _, err := w.Write(Header(shape)); err != nil {
		return err
	}
	var buf [4096]byte
	for len(data) > 0 {
		n := min(len(data), len(buf)/4)
		for i, v := range data[:n] {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		if _, err := w.Write(buf[:4*n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return nil
}

// WriteFile writes data, shaped as shape, to path atomically: it writes a
// temporary file in the same directory and renames it over path, so a reader
// never sees a half-written file.
func WriteFile(path string, shape []int, data []float32) error {
	return atomicfile.Write(path, func(w io.Writer) error { return Encode(w, shape, data) })
}

// Decode reads a .npy v1.0/2.0 file holding a C-order '<f4' array.
func Decode(r io.Reader) (shape []int, data []float32, err error) {
	br := bufio.NewReader(r)
	var pre [8]byte
	if _, err := io.ReadFull(br, pre[:]); err != nil {
		return nil, nil, fmt.Errorf("npy: reading preamble: %w", err)
	}
	if string(pre[:6]) != Magic {
		return nil, nil, errors.New("npy: not a .npy file (bad magic)")
	}
	var hlen int
	switch pre[6] {
	case 1:
		var l [2]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return nil, nil, fmt.Errorf("npy: reading header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint16(l[:]))
	case 2:
		var l [4]byte
		if _, err := io.ReadFull(br, l[:]); err != nil {
			return nil, nil, fmt.Errorf("npy: reading header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint32(l[:]))
	default:
		return nil, nil, fmt.Errorf("npy: unsupported format version %d.%d", pre[6], pre[7])
	}
	if hlen > 1<<20 {
		return nil, nil, fmt.Errorf("npy: header length %d is implausible", hlen)
	}
	h := make([]byte, hlen)
	if _, err := io.ReadFull(br, h); err != nil {
		return nil, nil, fmt.Errorf("npy: reading header: %w", err)
	}
	shape, err = parseHeader(string(h))
	if err != nil {
		return nil, nil, err
	}
	count, ok := checkedSize(shape)
	if !ok {
		return nil, nil, fmt.Errorf("npy: shape %v holds more than %d values", shape, maxValues)
	}
	// The slice grows with the data actually read, so a header declaring a
	// huge shape over a short file costs nothing.
	data = make([]float32, 0, min(count, 1<<16))
	var buf [4096]byte
	for len(data) < count {
		n := min(count-len(data), len(buf)/4)
		if _, err := io.ReadFull(br, buf[:4*n]); err != nil {
			return nil, nil, fmt.Errorf("npy: reading data: expected %d values, the file ends after %d: %w", count, len(data), err)
		}
		for j := range n {
			data = append(data, math.Float32frombits(binary.LittleEndian.Uint32(buf[4*j:])))
		}
	}
	return shape, data, nil
}

// maxValues bounds the values a .npy file may declare (8 GiB of float32).
const maxValues = 1<<31 - 1

// checkedSize returns the number of values of shape, or false when it
// exceeds maxValues (without overflowing on the way).
func checkedSize(shape []int) (int, bool) {
	n := 1
	for _, d := range shape {
		if d == 0 {
			return 0, true
		}
	}
	for _, d := range shape {
		if d > maxValues/n {
			return 0, false
		}
		n *= d
	}
	return n, true
}

// ReadFile reads a .npy file written by WriteFile (or numpy.save of a float32 array).
func ReadFile(path string) (shape []int, data []float32, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return Decode(f)
}

// parseHeader extracts the shape from a header dict, accepting only '<f4' in C order.
func parseHeader(h string) ([]int, error) {
	h = strings.TrimSpace(h)
	field := func(key string) (string, error) {
		i := strings.Index(h, "'"+key+"':")
		if i < 0 {
			return "", fmt.Errorf("npy: header %q has no %q", h, key)
		}
		return strings.TrimSpace(h[i+len(key)+3:]), nil
	}
	descr, err := field("descr")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(descr, "'<f4'") {
		return nil, fmt.Errorf("npy: expected dtype '<f4', received %s", strings.SplitN(descr, ",", 2)[0])
	}
	fo, err := field("fortran_order")
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(fo, "False") {
		return nil, errors.New("npy: Fortran-order arrays are not supported")
	}
	s, err := field("shape")
	if err != nil {
		return nil, err
	}
	end := strings.IndexByte(s, ')')
	if !strings.HasPrefix(s, "(") || end < 0 {
		return nil, fmt.Errorf("npy: malformed shape in header %q", h)
	}
	shape := []int{}
	for _, p := range strings.Split(s[1:end], ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSuffix(p, "L"))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("npy: malformed dimension %q in header %q", p, h)
		}
		shape = append(shape, n)
	}
	return shape, nil
}

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
