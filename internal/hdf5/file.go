package hdf5

import (
	"bytes"
	"io"
	"os"
	"sync"
)

// signature is the 8-byte format signature that starts a superblock.
var signature = []byte{0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}

// File is an open HDF5 file. It reads lazily through an io.ReaderAt and
// caches parsed object headers and group listings, so each is decoded once.
// It is safe for concurrent use if the ReaderAt is.
type File struct {
	mu      sync.Mutex
	headers map[uint64]*objHeader
	links   map[uint64][]link

	r       io.ReaderAt
	size    int64
	closer  io.Closer
	base    uint64 // base address: file addresses are relative to it
	offSize int
	lenSize int
	version int    // superblock version
	rootHdr uint64 // root group's object header address
}

// OpenFile opens the HDF5 file at path. Close it when done.
func OpenFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	f, err := Open(fh, st.Size())
	if err != nil {
		fh.Close()
		return nil, err
	}
	f.closer = fh
	return f, nil
}

// Open reads the superblock of the HDF5 data in r, which holds size bytes.
func Open(r io.ReaderAt, size int64) (*File, error) {
	f := &File{r: r, size: size, headers: map[uint64]*objHeader{}, links: map[uint64][]link{}}
	// The superblock is at 0 or after a user block of 512, 1024, 2048, … bytes.
	var at int64 = -1
	for off := int64(0); off+8 <= size; off = max(512, 2*off) {
		var b [8]byte
		if _, err := r.ReadAt(b[:], off); err != nil && err != io.EOF {
			return nil, errorf("reading the signature: %v", err)
		}
		if bytes.Equal(b[:], signature) {
			at = off
			break
		}
	}
	if at < 0 {
		return nil, errorf("not an HDF5 file (expected the signature \\x89HDF\\r\\n\\x1a\\n, received none in %d bytes)", size)
	}
	if err := f.readSuperblock(uint64(at)); err != nil {
		return nil, err
	}
	return f, nil
}

// Close closes the underlying file if OpenFile opened it.
func (f *File) Close() error {
	if f.closer != nil {
		return f.closer.Close()
	}
	return nil
}

// Size returns the file's size in bytes.
func (f *File) Size() int64 { return f.size }

// SuperblockVersion returns the superblock's version (0, 1, 2 or 3).
func (f *File) SuperblockVersion() int { return f.version }

// readSuperblock decodes superblock version 0/1 (spec §II.A, "Version 0
// Superblock") or 2/3 ("Version 2 Superblock").
func (f *File) readSuperblock(at uint64) error {
	n := min(uint64(f.size)-at, 256)
	b, err := f.bytesAt(at, n, "superblock")
	if err != nil {
		return err
	}
	d := &dec{b: b, what: "superblock"}
	d.skip(8)
	f.version = int(d.u8())
	switch f.version {
	case 0, 1:
		d.skip(3) // free-space, root symbol table entry and shared header versions
		d.skip(1)
		f.offSize, f.lenSize = int(d.u8()), int(d.u8())
		d.skip(1)
		d.skip(4 + 4) // group K values, consistency flags
		if f.version == 1 {
			d.skip(4)
		}
		if err := f.checkSizes(); err != nil {
			return err
		}
		d.offSize, d.lenSize = f.offSize, f.lenSize
		f.base = d.addr()
		d.addr() // free space info
		d.addr() // end of file
		d.addr() // driver info
		// Root group symbol table entry: link name offset, object header address, …
		d.addr()
		f.rootHdr = d.addr()
	case 2, 3:
		f.offSize, f.lenSize = int(d.u8()), int(d.u8())
		d.skip(1) // consistency flags
		if err := f.checkSizes(); err != nil {
			return err
		}
		d.offSize, d.lenSize = f.offSize, f.lenSize
		f.base = d.addr()
		d.addr() // superblock extension
		d.addr() // end of file
		f.rootHdr = d.addr()
	default:
		return errorf("unsupported superblock version %d (expected 0, 1, 2 or 3)", f.version)
	}
	if d.err != nil {
		return d.err
	}
	if f.base == undefAddr || f.base > uint64(f.size) {
		f.base = at
	}
	if f.abs(f.rootHdr) == undefAddr {
		return errorf("root group address %d lies outside the file of %d bytes", f.rootHdr, f.size)
	}
	return nil
}

func (f *File) checkSizes() error {
	ok := func(n int) bool { return n == 2 || n == 4 || n == 8 }
	if !ok(f.offSize) || !ok(f.lenSize) {
		return errorf("superblock: expected offset and length sizes of 2, 4 or 8 bytes, received %d and %d", f.offSize, f.lenSize)
	}
	return nil
}
