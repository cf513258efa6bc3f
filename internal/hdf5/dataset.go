package hdf5

// maxDeflateRatio bounds how much a deflate stream can expand: about 1032:1
// (RFC 1951: a 258-byte match costs at least 2 bits). Data that would need
// more is refused before anything is allocated.
const maxDeflateRatio = 1032

// Filter identifiers (spec §IV.A.2.l).
const (
	filterDeflate    = 1
	filterShuffle    = 2
	filterFletcher32 = 3
)

// Dataset is an HDF5 dataset of numbers.
type Dataset struct {
	Object
	dims    []uint64
	dt      *dtype
	layout  []byte // data layout message
	filters []filter
}

type filter struct {
	id     uint16
	params []uint32
}

// dataset decodes o's dataspace, datatype, layout and filter messages.
func (o *Object) dataset() (*Dataset, error) {
	ds := &Dataset{Object: *o}
	var sp *dataspace
	for _, m := range o.hdr.msgs {
		switch m.typ {
		case msgDataspace, msgDatatype, msgLayout, msgFilters:
			if m.flags&0x02 != 0 {
				return nil, errorf("%s: shared header messages are not supported", o.path)
			}
		}
		d := o.f.dec(m.data, "dataset header")
		switch m.typ {
		case msgDataspace:
			sp = parseDataspace(d)
		case msgDatatype:
			ds.dt = parseDtype(d, 0)
		case msgLayout:
			ds.layout = m.data
		case msgFilters:
			ds.filters = parseFilters(d)
		}
		if d.err != nil {
			return nil, errorf("%s: %s", o.path, trimPrefix(d.err))
		}
	}
	if sp == nil || ds.dt == nil || ds.layout == nil {
		return nil, errorf("%s is not a dataset (no dataspace, datatype or layout)", o.path)
	}
	ds.dims = sp.dims
	if sp.null {
		ds.dims = []uint64{0}
	}
	return ds, nil
}

func trimPrefix(err error) string {
	s := err.Error()
	if len(s) > 6 && s[:6] == "hdf5: " {
		return s[6:]
	}
	return s
}

// parseFilters decodes a filter pipeline message, versions 1 and 2.
func parseFilters(d *dec) []filter {
	v := d.u8()
	n := int(d.u8())
	if v == 1 {
		d.skip(6)
	} else if v != 2 {
		d.err = errorf("unsupported filter pipeline version %d", v)
		return nil
	}
	var fs []filter
	for i := 0; i < n && d.err == nil; i++ {
		var fl filter
		fl.id = d.u16()
		nameLen := 0
		if v == 1 || fl.id >= 256 {
			nameLen = int(d.u16())
		}
		d.u16() // flags
		nv := int(d.u16())
		if v == 1 {
			nameLen = (nameLen + 7) &^ 7
		}
		d.skip(nameLen)
		if nv > d.left()/4 {
			d.err = errorf("filter with %d parameters runs past its message", nv)
			return nil
		}
		for j := 0; j < nv; j++ {
			fl.params = append(fl.params, d.u32())
		}
		if v == 1 && nv%2 == 1 {
			d.skip(4)
		}
		fs = append(fs, fl)
	}
	return fs
}

// Shape returns the dataset's dimensions.
func (ds *Dataset) Shape() []int {
	s := make([]int, len(ds.dims))
	for i, d := range ds.dims {
		s[i] = int(d)
	}
	return s
}

// DType names the element type, e.g. "float32".
func (ds *Dataset) DType() string { return ds.dt.String() }

// ReadFloat32 reads the whole dataset as float32 values in row-major order
// (float64 and integers are converted).
func (ds *Dataset) ReadFloat32() ([]float32, error) {
	if ds.dt.class != classFloat && ds.dt.class != classFixed {
		return nil, errorf("%s holds %s values, expected numbers", ds.path, ds.dt)
	}
	es := uint64(ds.dt.size)
	limit := uint64(ds.f.size) * maxDeflateRatio / es
	n, err := (&dataspace{dims: ds.dims}).count(limit)
	if err != nil {
		return nil, errorf("%s: %s", ds.path, trimPrefix(err))
	}
	raw, err := ds.readRaw(n * es)
	if err != nil {
		return nil, err
	}
	out := make([]float32, n)
	if err := ds.dt.floats(out, raw); err != nil {
		return nil, errorf("%s: %s", ds.path, trimPrefix(err))
	}
	return out, nil
}

// readRaw returns the dataset's nbytes bytes of raw data.
func (ds *Dataset) readRaw(nbytes uint64) ([]byte, error) {
	f := ds.f
	d := f.dec(ds.layout, "data layout message")
	v := d.u8()
	if v != 3 && v != 4 {
		return nil, errorf("%s: unsupported data layout version %d (expected 3 or 4)", ds.path, v)
	}
	class := d.u8()
	switch class {
	case 0: // compact
		size := uint64(d.u16())
		data := d.take(int(size))
		if d.err != nil {
			return nil, errorf("%s: %s", ds.path, trimPrefix(d.err))
		}
		if size < nbytes {
			return nil, errorf("%s: compact data of %d bytes, expected %d", ds.path, size, nbytes)
		}
		return data[:nbytes], nil
	case 1: // contiguous
		addr, size := d.addr(), d.length()
		if d.err != nil {
			return nil, errorf("%s: %s", ds.path, trimPrefix(d.err))
		}
		if nbytes == 0 {
			return nil, nil
		}
		if addr == undefAddr {
			return nil, errorf("%s has no data written", ds.path)
		}
		if size < nbytes {
			return nil, errorf("%s: contiguous storage of %d bytes, expected %d", ds.path, size, nbytes)
		}
		return f.bytesAt(f.abs(addr), nbytes, ds.path+" data")
	case 2:
		if v != 3 {
			return nil, errorf("%s: chunked layout version 4 (HDF5 1.10 chunk indexes, h5py libver=\"latest\") is not supported", ds.path)
		}
		rank := int(d.u8())
		btree := d.addr()
		if rank != len(ds.dims)+1 {
			d.err = errorf("chunk rank %d does not match the dataset's rank %d", rank-1, len(ds.dims))
		}
		chunk := make([]uint64, rank)
		for i := range chunk {
			chunk[i] = uint64(d.u32())
			if chunk[i] == 0 && d.err == nil {
				d.err = errorf("chunk dimension %d is 0", i)
			}
		}
		if d.err != nil {
			return nil, errorf("%s: %s", ds.path, trimPrefix(d.err))
		}
		return ds.readChunked(btree, chunk, nbytes)
	}
	return nil, errorf("%s: unknown layout class %d", ds.path, class)
}
