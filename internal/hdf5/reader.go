package hdf5

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// undefAddr is HDF5's "undefined address": all bits set.
const undefAddr = ^uint64(0)

// errorf returns a one-line error prefixed "hdf5: ".
func errorf(format string, args ...any) error {
	return fmt.Errorf("hdf5: "+format, args...)
}

// bytesAt reads n bytes at the absolute file offset off, refusing anything
// that does not lie inside the file.
func (f *File) bytesAt(off, n uint64, what string) ([]byte, error) {
	if off == undefAddr || off > uint64(f.size) || n > uint64(f.size)-off {
		return nil, errorf("%s at offset %d (%d bytes) lies outside the file of %d bytes", what, off, n, f.size)
	}
	b := make([]byte, n)
	if _, err := f.r.ReadAt(b, int64(off)); err != nil && !(errors.Is(err, io.EOF) && off+n == uint64(f.size)) {
		return nil, errorf("reading %s: %v", what, err)
	}
	return b, nil
}

// addrAt turns a file address (relative to the base address) into an absolute offset.
func (f *File) abs(addr uint64) uint64 {
	if addr == undefAddr || addr > uint64(f.size) {
		return undefAddr
	}
	return addr + f.base
}

// dec decodes little-endian fields from a byte slice. Reading past the end
// sets err (once) and returns zeros, so callers check err after a run of reads.
type dec struct {
	b       []byte
	off     int
	err     error
	what    string
	offSize int // size of addresses (superblock "size of offsets")
	lenSize int // size of lengths
}

func (f *File) dec(b []byte, what string) *dec {
	return &dec{b: b, what: what, offSize: f.offSize, lenSize: f.lenSize}
}

func (d *dec) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b)-d.off {
		d.err = errorf("%s is truncated (needs %d more bytes at byte %d of %d)", d.what, n, d.off, len(d.b))
		return nil
	}
	s := d.b[d.off : d.off+n]
	d.off += n
	return s
}

func (d *dec) skip(n int)       { d.take(n) }
func (d *dec) left() int        { return len(d.b) - d.off }
func (d *dec) u8() uint8        { return uint8(d.uint(1)) }
func (d *dec) u16() uint16      { return uint16(d.uint(2)) }
func (d *dec) u32() uint32      { return uint32(d.uint(4)) }
func (d *dec) u64() uint64      { return d.uint(8) }
func (d *dec) addr() uint64     { return d.uintAddr(d.offSize) }
func (d *dec) length() uint64   { return d.uintAddr(d.lenSize) }
func (d *dec) align8(start int) { d.skip((8 - (d.off-start)%8) % 8) }

// uint reads an unsigned little-endian integer of n (1..8) bytes.
func (d *dec) uint(n int) uint64 {
	s := d.take(n)
	if s == nil {
		return 0
	}
	var buf [8]byte
	copy(buf[:], s)
	return binary.LittleEndian.Uint64(buf[:])
}

// uintAddr reads an address or length of n bytes; all bits set maps to undefAddr.
func (d *dec) uintAddr(n int) uint64 {
	v := d.uint(n)
	if d.err == nil && n < 8 && v == 1<<(8*uint(n))-1 {
		return undefAddr
	}
	return v
}
