package hdf5

import "bytes"

// Header message types (spec §IV.A.2).
const (
	msgDataspace    = 0x0001
	msgLinkInfo     = 0x0002
	msgDatatype     = 0x0003
	msgLink         = 0x0006
	msgLayout       = 0x0008
	msgFilters      = 0x000B
	msgAttribute    = 0x000C
	msgContinuation = 0x0010
	msgSymbolTable  = 0x0011
	msgAttrInfo     = 0x0015
)

// maxHeaderBlocks bounds an object header's continuation chain.
const maxHeaderBlocks = 1 << 12

// message is one header message.
type message struct {
	typ   uint16
	flags uint8
	data  []byte
}

// objHeader is a parsed object header: its messages in file order.
type objHeader struct {
	addr uint64
	msgs []message
}

// find returns the first message of type typ, or nil.
func (h *objHeader) find(typ uint16) *message {
	for i := range h.msgs {
		if h.msgs[i].typ == typ {
			return &h.msgs[i]
		}
	}
	return nil
}

// header reads the object header at file address addr (version 1, spec
// §IV.A.1.a, or version 2, §IV.A.1.b), following continuation messages.
func (f *File) header(addr uint64) (*objHeader, error) {
	f.mu.Lock()
	h := f.headers[addr]
	f.mu.Unlock()
	if h != nil {
		return h, nil
	}
	h, err := f.readHeader(addr)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.headers[addr] = h
	f.mu.Unlock()
	return h, nil
}

func (f *File) readHeader(addr uint64) (*objHeader, error) {
	at := f.abs(addr)
	if at == undefAddr {
		return nil, errorf("object header address %d lies outside the file of %d bytes", addr, f.size)
	}
	pre, err := f.bytesAt(at, min(16, uint64(f.size)-at), "object header")
	if err != nil {
		return nil, err
	}
	h := &objHeader{addr: addr}
	type block struct{ at, n uint64 }
	var blocks []block
	v2 := bytes.HasPrefix(pre, []byte("OHDR"))
	var flags uint8
	if v2 {
		// Signature, version 2, flags, optional times and attribute phase
		// change values, then the size of chunk #0 in 1, 2, 4 or 8 bytes.
		b, err := f.bytesAt(at, min(4+2+16+4+8, uint64(f.size)-at), "object header")
		if err != nil {
			return nil, err
		}
		d := &dec{b: b, what: "object header"}
		d.skip(4)
		if v := d.u8(); v != 2 {
			return nil, errorf("object header at %d: unsupported version %d (expected 2)", addr, v)
		}
		flags = d.u8()
		if flags&0x20 != 0 {
			d.skip(16)
		}
		if flags&0x10 != 0 {
			d.skip(4)
		}
		size := d.uint(1 << (flags & 3))
		if d.err != nil {
			return nil, d.err
		}
		blocks = append(blocks, block{at + uint64(d.off), size})
	} else {
		d := &dec{b: pre, what: "object header"}
		if v := d.u8(); v != 1 {
			return nil, errorf("object header at %d: unsupported version %d (expected 1, or 2 with signature OHDR)", addr, v)
		}
		d.skip(1 + 2 + 4)
		size := uint64(d.u32())
		if d.err != nil {
			return nil, d.err
		}
		blocks = append(blocks, block{at + 16, size})
	}
	seen := map[uint64]bool{}
	for i := 0; i < len(blocks); i++ {
		if i >= maxHeaderBlocks {
			return nil, errorf("object header at %d has more than %d continuation blocks", addr, maxHeaderBlocks)
		}
		bl := blocks[i]
		if seen[bl.at] {
			return nil, errorf("object header at %d: continuation blocks form a cycle", addr)
		}
		seen[bl.at] = true
		b, err := f.bytesAt(bl.at, bl.n, "object header block")
		if err != nil {
			return nil, err
		}
		if v2 {
			if i > 0 {
				if !bytes.HasPrefix(b, []byte("OCHK")) {
					return nil, errorf("object header at %d: continuation block lacks its OCHK signature", addr)
				}
				b = b[4:]
			}
			if len(b) < 4 && i > 0 {
				return nil, errorf("object header at %d: continuation block too short", addr)
			}
			if i > 0 {
				b = b[:len(b)-4] // checksum
			}
		}
		d := f.dec(b, "object header message")
		for {
			var m message
			if v2 {
				hl := 4
				if flags&0x04 != 0 {
					hl = 6
				}
				if d.left() < hl {
					break // gap
				}
				m.typ = uint16(d.u8())
				n := int(d.u16())
				m.flags = d.u8()
				if flags&0x04 != 0 {
					d.skip(2)
				}
				m.data = d.take(n)
			} else {
				if d.left() < 8 {
					break
				}
				m.typ = d.u16()
				n := int(d.u16())
				m.flags = d.u8()
				d.skip(3)
				m.data = d.take(n)
			}
			if d.err != nil {
				return nil, errorf("object header at %d: a message runs past its block", addr)
			}
			if m.typ == msgContinuation {
				cd := f.dec(m.data, "continuation message")
				caddr, clen := cd.addr(), cd.length()
				if cd.err != nil {
					return nil, cd.err
				}
				cat := f.abs(caddr)
				if cat == undefAddr {
					return nil, errorf("object header at %d: continuation address %d lies outside the file", addr, caddr)
				}
				blocks = append(blocks, block{cat, clen})
				continue
			}
			if m.typ != 0 {
				h.msgs = append(h.msgs, m)
			}
		}
	}
	return h, nil
}
