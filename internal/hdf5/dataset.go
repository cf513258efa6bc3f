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
// (float16, float64 and integers are converted).
func (ds *Dataset) ReadFloat32() ([]float32, error) {
	n, err := ds.count()
	if err != nil {
		return nil, err
	}
	if at, ok, err := ds.contiguous(n); err != nil {
		return nil, err
	} else if ok {
		out := make([]float32, n) // justified: the data lies inside the file
		return out, ds.stream(out, at)
	}
	raw, err := ds.readRaw(n * uint64(ds.dt.size))
	if err != nil {
		return nil, err
	}
	out := make([]float32, n)
	if err := ds.dt.floats(out, raw); err != nil {
		return nil, errorf("%s: %s", ds.path, trimPrefix(err))
	}
	return out, nil
}

// ReadFloat32Into reads the whole dataset into dst, which must hold exactly
// its number of elements: contiguous data streams from the file without an
// intermediate copy of the whole dataset.
func (ds *Dataset) ReadFloat32Into(dst []float32) error {
	n, err := ds.count()
	if err != nil {
		return err
	}
	if uint64(len(dst)) != n {
		return errorf("%s holds %d values, expected %d", ds.path, n, len(dst))
	}
	if at, ok, err := ds.contiguous(n); err != nil {
		return err
	} else if ok {
		return ds.stream(dst, at)
	}
	raw, err := ds.readRaw(n * uint64(ds.dt.size))
	if err != nil {
		return err
	}
	if err := ds.dt.floats(dst, raw); err != nil {
		return errorf("%s: %s", ds.path, trimPrefix(err))
	}
	return nil
}

// count returns the number of elements, refusing more than the file can
// hold even compressed.
func (ds *Dataset) count() (uint64, error) {
	if ds.dt.class != classFloat && ds.dt.class != classFixed {
		return 0, errorf("%s holds %s values, expected numbers", ds.path, ds.dt)
	}
	limit := uint64(ds.f.size) * maxDeflateRatio / uint64(ds.dt.size)
	n, err := (&dataspace{dims: ds.dims}).count(limit)
	if err != nil {
		return 0, errorf("%s: %s", ds.path, trimPrefix(err))
	}
	return n, nil
}

// contiguous reports whether the dataset's n elements are stored
// contiguously, and where, after checking that they lie inside the file.
func (ds *Dataset) contiguous(n uint64) (at uint64, ok bool, err error) {
	d := ds.f.dec(ds.layout, "data layout message")
	v, class := d.u8(), d.u8()
	if (v != 3 && v != 4) || class != 1 || n == 0 {
		return 0, false, nil
	}
	addr, size := d.addr(), d.length()
	nbytes := n * uint64(ds.dt.size)
	switch {
	case d.err != nil:
		return 0, false, errorf("%s: %s", ds.path, trimPrefix(d.err))
	case addr == undefAddr:
		return 0, false, errorf("%s has no data written", ds.path)
	case size < nbytes:
		return 0, false, errorf("%s: contiguous storage of %d bytes, expected %d", ds.path, size, nbytes)
	}
	at = ds.f.abs(addr)
	if at == undefAddr || at > uint64(ds.f.size) || nbytes > uint64(ds.f.size)-at {
		return 0, false, errorf("%s data at offset %d (%d bytes) lies outside the file of %d bytes", ds.path, at, nbytes, ds.f.size)
	}
	return at, true, nil
}

// stream reads contiguous data at the absolute offset at into dst, a
// megabyte at a time.
func (ds *Dataset) stream(dst []float32, at uint64) error {
	es := ds.dt.size
	per := max(1, (1<<20)/es)
	for i := 0; i < len(dst); i += per {
		part := dst[i:min(i+per, len(dst))]
		raw, err := ds.f.bytesAt(at+uint64(i*es), uint64(len(part)*es), ds.path+" data")
		if err != nil {
			return err
		}
		if err := ds.dt.floats(part, raw); err != nil {
			return errorf("%s: %s", ds.path, trimPrefix(err))
		}
	}
	return nil
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
