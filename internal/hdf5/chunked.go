package hdf5

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"io"
)

type chunkRef struct {
	size, mask uint32
	offs       []uint64
	addr       uint64
}

// readChunked assembles a chunked dataset from its B-tree (spec §III.A.1,
// node type 1) and filters.
func (ds *Dataset) readChunked(btree uint64, chunk []uint64, nbytes uint64) ([]byte, error) {
	f := ds.f
	rank := len(ds.dims)
	es := uint64(ds.dt.size)
	if chunk[rank] != es {
		return nil, errorf("%s: chunk element size %d, expected %d", ds.path, chunk[rank], es)
	}
	cbytes := es
	for _, c := range chunk[:rank] {
		if cbytes > uint64(f.size)*maxDeflateRatio/c {
			return nil, errorf("%s: chunks of %v elements are larger than the file can justify", ds.path, chunk[:rank])
		}
		cbytes *= c
	}
	var chunks []chunkRef
	if nbytes > 0 {
		keyLen := 8 + 8*(rank+1)
		seenOffs := map[string]bool{}
		err := f.walkBTree(btree, 1, keyLen, map[uint64]bool{}, func(key []byte, child uint64) error {
			c := chunkRef{size: binary.LittleEndian.Uint32(key), mask: binary.LittleEndian.Uint32(key[4:]), addr: child}
			for i := 0; i < rank; i++ {
				o := binary.LittleEndian.Uint64(key[8+8*i:])
				if o%chunk[i] != 0 || o >= ds.dims[i] {
					return errorf("%s: chunk offset %d in dimension %d is not a chunk boundary inside %v", ds.path, o, i, ds.dims)
				}
				c.offs = append(c.offs, o)
			}
			k := string(key[8 : 8+8*rank])
			if seenOffs[k] {
				return errorf("%s: two chunks at offsets %v", ds.path, c.offs)
			}
			seenOffs[k] = true
			chunks = append(chunks, c)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	// The file must hold enough (possibly compressed) bytes for the data.
	ratio := uint64(1)
	for _, fl := range ds.filters {
		if fl.id == filterDeflate {
			ratio = maxDeflateRatio
		}
	}
	var justified uint64
	for _, c := range chunks {
		justified += min(cbytes, uint64(c.size)*ratio)
	}
	if justified < nbytes {
		return nil, errorf("%s declares %d bytes of data but its chunks hold at most %d", ds.path, nbytes, justified)
	}
	out := make([]byte, nbytes)
	for _, c := range chunks {
		if cbytes > uint64(c.size)*ratio {
			return nil, errorf("%s: a chunk of %d stored bytes cannot hold %d bytes of data", ds.path, c.size, cbytes)
		}
		raw, err := f.bytesAt(f.abs(c.addr), uint64(c.size), ds.path+" chunk")
		if err != nil {
			return nil, err
		}
		data, err := ds.unfilter(raw, c.mask, cbytes)
		if err != nil {
			return nil, err
		}
		scatter(out, data, ds.dims, chunk[:rank], c.offs, int(es))
	}
	return out, nil
}

// unfilter undoes the filter pipeline (in reverse order, skipping filters
// whose bit is set in mask) and checks the result is want bytes long.
func (ds *Dataset) unfilter(data []byte, mask uint32, want uint64) ([]byte, error) {
	for i := len(ds.filters) - 1; i >= 0; i-- {
		if i < 32 && mask&(1<<uint(i)) != 0 {
			continue
		}
		fl := ds.filters[i]
		switch fl.id {
		case filterDeflate:
			zr, err := zlib.NewReader(bytes.NewReader(data))
			if err != nil {
				return nil, errorf("%s: deflate: %v", ds.path, err)
			}
			out := make([]byte, want)
			n, err := io.ReadFull(zr, out)
			if err != nil && err != io.ErrUnexpectedEOF {
				return nil, errorf("%s: deflate: %v", ds.path, err)
			}
			data = out[:n]
		case filterShuffle:
			data = unshuffle(data, ds.dt.size)
		case filterFletcher32:
			if len(data) < 4 {
				return nil, errorf("%s: fletcher32 chunk shorter than its checksum", ds.path)
			}
			data = data[:len(data)-4]
		default:
			return nil, errorf("%s: filter %d is not supported (expected deflate, shuffle or fletcher32)", ds.path, fl.id)
		}
	}
	if uint64(len(data)) != want {
		return nil, errorf("%s: a chunk holds %d bytes after its filters, expected %d", ds.path, len(data), want)
	}
	return data, nil
}

// unshuffle reverses HDF5's byte shuffle: byte j of element i was stored at
// j*n + i. Trailing bytes that do not form a whole element are kept as is.
func unshuffle(b []byte, size int) []byte {
	if size <= 1 {
		return b
	}
	n := len(b) / size
	out := make([]byte, len(b))
	for j := 0; j < size; j++ {
		src := b[j*n : (j+1)*n]
		for i, v := range src {
			out[i*size+j] = v
		}
	}
	copy(out[n*size:], b[n*size:])
	return out
}

// scatter copies a chunk (row-major, dimensions chunk, at offsets offs) into
// the dataset's row-major buffer out of dimensions dims, clipping at the edges.
func scatter(out, data []byte, dims, chunk, offs []uint64, es int) {
	rank := len(dims)
	if rank == 0 {
		copy(out, data)
		return
	}
	last := rank - 1
	run := min(chunk[last], dims[last]-offs[last])
	idx := make([]uint64, rank) // position inside the chunk; idx[last] stays 0
	for {
		inside := true
		var dst, src uint64
		for i := 0; i < rank; i++ {
			p := offs[i] + idx[i]
			if p >= dims[i] {
				inside = false
				break
			}
			dst = dst*dims[i] + p
			src = src*chunk[i] + idx[i]
		}
		if inside {
			copy(out[dst*uint64(es):(dst+run)*uint64(es)], data[src*uint64(es):])
		}
		i := last - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < chunk[i] {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return
		}
	}
}
