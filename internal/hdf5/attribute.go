package hdf5

import (
	"bytes"
)

// Attribute is an attribute of a group or dataset.
type Attribute struct {
	Name string
	f    *File
	dt   *dtype
	n    uint64 // element count
	rank int
	data []byte
}

// Attrs returns the object's attributes stored in its header (compact
// storage: every attribute h5py writes below 64 KiB).
func (o *Object) Attrs() ([]*Attribute, error) {
	var out []*Attribute
	for _, m := range o.hdr.msgs {
		if m.typ == msgAttrInfo {
			d := o.f.dec(m.data, "attribute info message")
			d.u8()
			flags := d.u8()
			if flags&1 != 0 {
				d.skip(2)
			}
			if heap := d.addr(); d.err == nil && heap != undefAddr {
				return nil, errorf("%s stores attributes densely (a fractal heap), which this reader does not support", o.path)
			}
		}
		if m.typ != msgAttribute {
			continue
		}
		a, err := o.f.parseAttr(m.data)
		if err != nil {
			return nil, errorf("%s: %s", o.path, trimPrefix(err))
		}
		out = append(out, a)
	}
	return out, nil
}

// Attr returns the attribute called name, or nil if there is none.
func (o *Object) Attr(name string) (*Attribute, error) {
	as, err := o.Attrs()
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		if a.Name == name {
			return a, nil
		}
	}
	return nil, nil
}

// parseAttr decodes an attribute message, versions 1–3 (spec §IV.A.2.m).
func (f *File) parseAttr(b []byte) (*Attribute, error) {
	d := f.dec(b, "attribute message")
	v := d.u8()
	if v < 1 || v > 3 {
		return nil, errorf("unsupported attribute message version %d", v)
	}
	flags := d.u8()
	if flags&3 != 0 {
		return nil, errorf("shared attribute datatypes are not supported")
	}
	nameLen, dtLen, dsLen := int(d.u16()), int(d.u16()), int(d.u16())
	if v == 3 {
		d.u8() // name encoding
	}
	pad := func(n int) int {
		if v == 1 {
			return (n + 7) &^ 7
		}
		return n
	}
	name := d.take(pad(nameLen))
	dtb := d.take(pad(dtLen))
	dsb := d.take(pad(dsLen))
	if d.err != nil {
		return nil, d.err
	}
	if nameLen > len(name) {
		nameLen = len(name)
	}
	name = name[:nameLen]
	if i := bytes.IndexByte(name, 0); i >= 0 {
		name = name[:i]
	}
	a := &Attribute{Name: string(name), f: f}
	dd := f.dec(dtb, "attribute datatype")
	a.dt = parseDtype(dd, 0)
	if dd.err != nil {
		return nil, errorf("attribute %q: %s", a.Name, trimPrefix(dd.err))
	}
	sd := f.dec(dsb, "attribute dataspace")
	sp := parseDataspace(sd)
	if sd.err != nil {
		return nil, errorf("attribute %q: %s", a.Name, trimPrefix(sd.err))
	}
	a.rank = len(sp.dims)
	var err error
	if a.n, err = sp.count(uint64(d.left())); err != nil {
		return nil, errorf("attribute %q: %s", a.Name, trimPrefix(err))
	}
	need := a.n * uint64(a.dt.size)
	if need > uint64(d.left()) {
		return nil, errorf("attribute %q: %d bytes of data declared, %d present", a.Name, need, d.left())
	}
	a.data = d.take(int(need))
	return a, nil
}

// Strings returns the attribute's values as strings: fixed-length strings
// (trailing NULs and spaces removed per the padding), or variable-length
// strings read from the global heap.
func (a *Attribute) Strings() ([]string, error) {
	out := make([]string, 0, a.n)
	switch {
	case a.n == 0:
		// h5py writes an empty list as an empty float64 array.
	case a.dt.class == classString:
		for i := uint64(0); i < a.n; i++ {
			s := a.data[i*uint64(a.dt.size) : (i+1)*uint64(a.dt.size)]
			if j := bytes.IndexByte(s, 0); j >= 0 {
				s = s[:j]
			}
			out = append(out, string(s))
		}
	case a.dt.class == classVLen && (a.dt.vlenStr || a.dt.base != nil && a.dt.base.class == classFixed && a.dt.base.size == 1):
		d := a.f.dec(a.data, "variable-length string")
		heaps := map[uint64]*globalHeap{}
		for i := uint64(0); i < a.n; i++ {
			n := d.u32()
			coll := d.addr()
			idx := d.u32()
			if d.err != nil {
				return nil, errorf("attribute %q: %s", a.Name, trimPrefix(d.err))
			}
			if n == 0 {
				out = append(out, "")
				continue
			}
			h := heaps[coll]
			if h == nil {
				var err error
				if h, err = a.f.globalHeap(coll); err != nil {
					return nil, errorf("attribute %q: %s", a.Name, trimPrefix(err))
				}
				heaps[coll] = h
			}
			s, ok := h.objs[uint16(idx)]
			if !ok || idx > 0xffff {
				return nil, errorf("attribute %q: global heap object %d not found", a.Name, idx)
			}
			if uint64(n) < uint64(len(s)) {
				s = s[:n]
			}
			out = append(out, string(s))
		}
	default:
		return nil, errorf("attribute %q holds %s values, expected strings", a.Name, a.dt)
	}
	return out, nil
}

// String returns a scalar (or one-element) string attribute's value.
func (a *Attribute) String() (string, error) {
	s, err := a.Strings()
	if err != nil {
		return "", err
	}
	if len(s) != 1 {
		return "", errorf("attribute %q: expected one string, received %d", a.Name, len(s))
	}
	return s[0], nil
}

// Floats returns a numeric attribute's values.
func (a *Attribute) Floats() ([]float32, error) {
	out := make([]float32, a.n)
	if err := a.dt.floats(out, a.data); err != nil {
		return nil, errorf("attribute %q: %s", a.Name, trimPrefix(err))
	}
	return out, nil
}

// globalHeap is a global heap collection's objects by index (spec §III.E).
type globalHeap struct{ objs map[uint16][]byte }

func (f *File) globalHeap(addr uint64) (*globalHeap, error) {
	at := f.abs(addr)
	hb, err := f.bytesAt(at, uint64(8+f.lenSize), "global heap")
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(hb, []byte("GCOL")) {
		return nil, errorf("global heap at %d lacks its GCOL signature", addr)
	}
	d := f.dec(hb[8:], "global heap")
	size := d.length()
	if d.err != nil {
		return nil, d.err
	}
	b, err := f.bytesAt(at, size, "global heap")
	if err != nil {
		return nil, err
	}
	h := &globalHeap{objs: map[uint16][]byte{}}
	d = f.dec(b, "global heap")
	d.skip(8 + f.lenSize)
	for d.left() >= 8+f.lenSize {
		idx := d.u16()
		d.skip(6)
		n := d.length()
		if idx == 0 {
			break // free space: the rest of the collection
		}
		if n > uint64(d.left()) {
			return nil, errorf("global heap object %d of %d bytes runs past its collection", idx, n)
		}
		h.objs[idx] = d.take(int(n))
		d.skip(int((8 - n%8) % 8))
		if d.err != nil {
			break
		}
	}
	return h, nil
}
