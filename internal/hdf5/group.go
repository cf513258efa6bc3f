package hdf5

import "strings"

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
