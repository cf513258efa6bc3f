package hdf5

import "bytes"

// localHeap returns the data segment of the local heap at addr (spec §III.D).
func (f *File) localHeap(addr uint64) ([]byte, error) {
	at := f.abs(addr)
	b, err := f.bytesAt(at, uint64(8+2*f.lenSize+f.offSize), "local heap")
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(b, []byte("HEAP")) {
		return nil, errorf("local heap at %d lacks its HEAP signature", addr)
	}
	d := f.dec(b[8:], "local heap")
	size := d.length()
	d.length()
	data := d.addr()
	if d.err != nil {
		return nil, d.err
	}
	return f.bytesAt(f.abs(data), size, "local heap data")
}

// cString returns the NUL-terminated string at off in heap.
func cString(heap []byte, off uint64) (string, error) {
	if off >= uint64(len(heap)) {
		return "", errorf("name offset %d lies outside its local heap of %d bytes", off, len(heap))
	}
	s := heap[off:]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return string(s), nil
}

// symbolNode appends the entries of the symbol table node at addr (spec §III.C).
func (f *File) symbolNode(addr uint64, names []byte, out *[]link) error {
	at := f.abs(addr)
	hb, err := f.bytesAt(at, 8, "symbol table node")
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(hb, []byte("SNOD")) {
		return errorf("symbol table node at %d lacks its SNOD signature", addr)
	}
	n := uint64(hb[6]) | uint64(hb[7])<<8
	entry := uint64(2*f.offSize + 24)
	b, err := f.bytesAt(at+8, n*entry, "symbol table node")
	if err != nil {
		return err
	}
	d := f.dec(b, "symbol table node")
	for i := uint64(0); i < n; i++ {
		nameOff, hdr := d.addr(), d.addr()
		d.skip(24)
		name, err := cString(names, nameOff)
		if err != nil {
			return err
		}
		*out = append(*out, link{name, hdr})
	}
	return d.err
}

// walkBTree visits the leaves of the version 1 B-tree at addr (spec §III.A.1)
// of node type typ, calling fn with each child's left key and address. For
// type 1 (chunks) keys are keyLen bytes; for type 0 (groups) one length.
func (f *File) walkBTree(addr uint64, typ int, keyLen int, seen map[uint64]bool, fn func(key []byte, child uint64) error) error {
	return f.walkNode(addr, typ, keyLen, seen, 0, -1, fn)
}

func (f *File) walkNode(addr uint64, typ, keyLen int, seen map[uint64]bool, depth, wantLevel int, fn func([]byte, uint64) error) error {
	if depth > maxBTreeDepth {
		return errorf("B-tree deeper than %d levels", maxBTreeDepth)
	}
	if seen[addr] {
		return errorf("B-tree nodes form a cycle at address %d", addr)
	}
	seen[addr] = true
	at := f.abs(addr)
	hb, err := f.bytesAt(at, uint64(8+2*f.offSize), "B-tree node")
	if err != nil {
		return err
	}
	if !bytes.HasPrefix(hb, []byte("TREE")) {
		return errorf("B-tree node at %d lacks its TREE signature", addr)
	}
	if int(hb[4]) != typ {
		return errorf("B-tree node at %d has type %d, expected %d", addr, hb[4], typ)
	}
	level := int(hb[5])
	if wantLevel >= 0 && level != wantLevel {
		return errorf("B-tree node at %d has level %d, expected %d", addr, level, wantLevel)
	}
	n := uint64(hb[6]) | uint64(hb[7])<<8
	if typ == 0 {
		keyLen = f.lenSize
	}
	step := uint64(keyLen + f.offSize)
	b, err := f.bytesAt(at+uint64(len(hb)), n*step+uint64(keyLen), "B-tree node")
	if err != nil {
		return err
	}
	d := f.dec(b, "B-tree node")
	for i := uint64(0); i < n; i++ {
		key := d.take(keyLen)
		child := d.addr()
		if d.err != nil {
			return d.err
		}
		if level > 0 {
			err = f.walkNode(child, typ, keyLen, seen, depth+1, level-1, fn)
		} else {
			err = fn(key, child)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
