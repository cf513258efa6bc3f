package hdf5

import (
	"bytes"
	"strings"
)

// maxBTreeDepth bounds B-tree recursion; real trees are a few levels deep.
const maxBTreeDepth = 32

// Object is a group or a dataset: a named object header.
type Object struct {
	f    *File
	path string
	hdr  *objHeader
}

// Path returns the object's path from the root, e.g. "/model_weights/dense_1".
func (o *Object) Path() string { return o.path }

// IsGroup reports whether the object is a group (it has a symbol table, link
// or link info message) rather than a dataset.
func (o *Object) IsGroup() bool {
	return o.hdr.find(msgSymbolTable) != nil || o.hdr.find(msgLinkInfo) != nil ||
		(o.hdr.find(msgLink) != nil && o.hdr.find(msgLayout) == nil)
}

// Group is an HDF5 group.
type Group struct{ Object }

// Root returns the root group.
func (f *File) Root() (*Group, error) {
	h, err := f.header(f.rootHdr)
	if err != nil {
		return nil, err
	}
	g := &Group{Object{f: f, path: "/", hdr: h}}
	if !g.IsGroup() {
		return nil, errorf("the root object is not a group")
	}
	return g, nil
}

// link is a group member: its name and object header address.
type link struct {
	name string
	addr uint64
}

// links lists the group's members in storage order (name order for
// symbol-table groups, creation order for compact link storage).
func (g *Group) links() ([]link, error) {
	f := g.f
	f.mu.Lock()
	ls, ok := f.links[g.hdr.addr]
	f.mu.Unlock()
	if ok {
		return ls, nil
	}
	ls, err := g.readLinks()
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.links[g.hdr.addr] = ls
	f.mu.Unlock()
	return ls, nil
}

func (g *Group) readLinks() ([]link, error) {
	f := g.f
	if m := g.hdr.find(msgSymbolTable); m != nil {
		d := f.dec(m.data, "symbol table message")
		btree, heap := d.addr(), d.addr()
		if d.err != nil {
			return nil, d.err
		}
		names, err := f.localHeap(heap)
		if err != nil {
			return nil, err
		}
		var out []link
		seen := map[uint64]bool{}
		err = f.walkBTree(btree, 0, 0, seen, func(_ []byte, child uint64) error {
			if seen[child] {
				return errorf("group %s: two B-tree entries point to the symbol table node at %d", g.path, child)
			}
			seen[child] = true
			return f.symbolNode(child, names, &out)
		})
		return out, err
	}
	if m := g.hdr.find(msgLinkInfo); m != nil {
		d := f.dec(m.data, "link info message")
		d.u8()
		flags := d.u8()
		if flags&1 != 0 {
			d.skip(8)
		}
		heap := d.addr()
		if d.err != nil {
			return nil, d.err
		}
		if heap != undefAddr {
			return nil, errorf("group %s uses dense link storage (a fractal heap), which this reader does not support; save with h5py's default libver", g.path)
		}
	}
	var out []link
	for _, m := range g.hdr.msgs {
		if m.typ != msgLink {
			continue
		}
		l, ok, err := f.parseLink(m.data)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, l)
		}
	}
	return out, nil
}

// parseLink decodes a link message (spec §IV.A.2.g); ok is false for soft
// and external links, which are skipped.
func (f *File) parseLink(b []byte) (l link, ok bool, err error) {
	d := f.dec(b, "link message")
	if v := d.u8(); v != 1 {
		return l, false, errorf("unsupported link message version %d", v)
	}
	flags := d.u8()
	typ := uint8(0)
	if flags&0x08 != 0 {
		typ = d.u8()
	}
	if flags&0x04 != 0 {
		d.skip(8)
	}
	if flags&0x10 != 0 {
		d.skip(1)
	}
	n := d.uint(1 << (flags & 3))
	if n > uint64(d.left()) {
		return l, false, errorf("link name of %d bytes runs past its message", n)
	}
	l.name = string(d.take(int(n)))
	if typ != 0 {
		return l, false, d.err
	}
	l.addr = d.addr()
	return l, true, d.err
}

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

// Members returns the names of the group's members in storage order.
func (g *Group) Members() ([]string, error) {
	ls, err := g.links()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(ls))
	for i, l := range ls {
		names[i] = l.name
	}
	return names, nil
}

// child opens the member called name.
func (g *Group) child(name string) (*Object, error) {
	ls, err := g.links()
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		if l.name == name {
			h, err := g.f.header(l.addr)
			if err != nil {
				return nil, err
			}
			return &Object{f: g.f, path: joinPath(g.path, name), hdr: h}, nil
		}
	}
	return nil, errorf("%s not found", joinPath(g.path, name))
}

func joinPath(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// Open returns the object at path, relative to g ("a/b/c"; empty parts are
// ignored).
func (g *Group) Open(path string) (*Object, error) {
	cur := &g.Object
	for _, part := range strings.Split(path, "/") {
		if part == "" {
			continue
		}
		if !cur.IsGroup() {
			return nil, errorf("%s is not a group", cur.path)
		}
		next, err := (&Group{*cur}).child(part)
		if err != nil {
			return nil, err
		}
		cur = next
	}
	return cur, nil
}

// Group returns the group at path, relative to g.
func (g *Group) Group(path string) (*Group, error) {
	o, err := g.Open(path)
	if err != nil {
		return nil, err
	}
	if !o.IsGroup() {
		return nil, errorf("%s is a dataset, expected a group", o.path)
	}
	return &Group{*o}, nil
}

// Dataset returns the dataset at path, relative to g.
func (g *Group) Dataset(path string) (*Dataset, error) {
	o, err := g.Open(path)
	if err != nil {
		return nil, err
	}
	return o.dataset()
}

// Walk calls fn for every object under g, depth first in storage order,
// and fails on a cycle (a group that contains one of its ancestors).
func (g *Group) Walk(fn func(o *Object) error) error {
	budget := g.f.size/8 + 64 // a hard link costs a file at least 8 bytes
	return g.walk(fn, map[uint64]bool{g.hdr.addr: true}, 0, &budget)
}

func (g *Group) walk(fn func(o *Object) error, ancestors map[uint64]bool, depth int, budget *int64) error {
	if depth > 256 {
		return errorf("groups nested more than 256 deep under %s", g.path)
	}
	ls, err := g.links()
	if err != nil {
		return err
	}
	for _, l := range ls {
		p := joinPath(g.path, l.name)
		if *budget--; *budget < 0 {
			return errorf("more objects under %s than the file can hold (shared subgroups?)", g.path)
		}
		if ancestors[l.addr] {
			return errorf("cycle: %s links back to one of its ancestor groups", p)
		}
		h, err := g.f.header(l.addr)
		if err != nil {
			return err
		}
		o := &Object{f: g.f, path: p, hdr: h}
		if err := fn(o); err != nil {
			return err
		}
		if o.IsGroup() {
			ancestors[l.addr] = true
			err := (&Group{*o}).walk(fn, ancestors, depth+1, budget)
			delete(ancestors, l.addr)
			if err != nil {
				return err
			}
		}
	}
	return nil
}
