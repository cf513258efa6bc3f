package dataset

import (
	"encoding/binary"
	"runtime"
	"sync"
)

// fjPad is the zero padding after an unstuffed segment: the bit reader
// loads 8 bytes at a time and one block reads at most 64·32 bits, so a
// decode that runs past the data is caught (pos > limit) before it reads
// past the padding.
const fjPad = 512

// fjPass is one entropy-decoding pass over a frame: it keeps the DC level
// of every block (for the preview) and the pixels of the needed blocks.
type fjPass struct {
	f *fjFrame
	// dc[c][by·bw+bx] is the dequantised DC coefficient of each block of
	// component c.
	dc [3][]int32
	// col[c][bx] is the rank of block column bx among the needed ones,
	// or -1; row[c][by] is the rank of row by times the number of needed
	// columns, or -1. A block is needed if both are ≥ 0; its 64 pixels
	// are pix[c][64·(col+row):].
	col, row [3][]int32
	pix      [3][]uint8
}

// newFJPass prepares a pass that keeps the blocks of component c whose
// column is marked in cols[c] and whose row is marked in rows[c] (nil:
// none).
func newFJPass(f *fjFrame, cols, rows [3][]bool) *fjPass {
	p := &fjPass{f: f}
	for c := range f.ncomp {
		cp := &f.comp[c]
		p.dc[c] = make([]int32, cp.bw*cp.bh)
		p.col[c] = make([]int32, cp.bw)
		p.row[c] = make([]int32, cp.bh)
		nc := rank(p.col[c], cols[c], 1)
		nr := rank(p.row[c], rows[c], int32(nc))
		p.pix[c] = make([]uint8, 64*nc*nr)
	}
	return p
}

// rank sets r[i] to (the number of marked entries before i)·scale for the
// marked i, -1 for the others, and returns the number marked.
func rank(r []int32, marked []bool, scale int32) int {
	n := 0
	for i := range r {
		r[i] = -1
		if i < len(marked) && marked[i] {
			r[i] = int32(n) * scale
			n++
		}
	}
	return n
}

// run decodes every segment, on up to two goroutines when the file has
// restart intervals (each interval starts afresh, so halves decode
// independently into disjoint blocks).
func (p *fjPass) run() error {
	segs := p.f.segs
	workers := min(runtime.GOMAXPROCS(0), 2, len(segs))
	if workers < 2 {
		return p.decodeSegments(0, len(segs))
	}
	half := len(segs) / 2
	var wg sync.WaitGroup
	var err2 error
	wg.Add(1)
	go func() {
		defer wg.Done()
		err2 = p.decodeSegments(half, len(segs))
	}()
	err := p.decodeSegments(0, half)
	wg.Wait()
	if err != nil {
		return err
	}
	return err2
}

// decodeSegments decodes restart intervals [first, last).
func (p *fjPass) decodeSegments(first, last int) error {
	f := p.f
	total := f.mcuw * f.mcuh
	ri := f.ri
	if ri == 0 {
		ri = total
	}
	var buf []byte
	for s := first; s < last; s++ {
		buf = unstuff(buf[:0], f.segs[s])
		n := len(buf)
		for range fjPad {
			buf = append(buf, 0)
		}
		if err := p.interval(buf, n, s*ri, min(s*ri+ri, total)); err != nil {
			return err
		}
	}
	return nil
}

// unstuff appends the entropy-coded bytes of seg to dst with each stuffed
// 0xFF 0x00 turned into 0xFF.
func unstuff(dst, seg []byte) []byte {
	for {
		j := indexFF(seg, 0)
		if j < 0 || j+1 >= len(seg) {
			return append(dst, seg...)
		}
		dst = append(dst, seg[:j+1]...)
		seg = seg[j+2:] // skip the stuffed zero (segments hold no markers)
	}
}

// interval decodes MCUs [mcu0, mcu1) from buf, whose first n bytes are
// data and the rest zero padding. Like image/jpeg, it fails if the codes
// need bits past the data; unlike it, it also refuses data that does not
// end within the last byte it used (image/jpeg would skip the rest).
func (p *fjPass) interval(buf []byte, n, mcu0, mcu1 int) error {
	f := p.f
	var (
		acc  uint64 // bits, most significant first
		nb   uint   // valid bits in acc
		pos  int    // bytes of buf loaded into acc
		pred [3]int32
		blk  [64]int32
	)
	limit := n + 8
	for mcu := mcu0; mcu < mcu1; mcu++ {
		my, mx := mcu/f.mcuw, mcu%f.mcuw
		for ci := range f.ncomp {
			c := &f.comp[ci]
			dcT, acT := f.huff[0][c.td], f.huff[1][c.ta]
			q := &f.quant[c.tq]
			dcPlane, cols, rows, pix := p.dc[ci], p.col[ci], p.row[ci], p.pix[ci]
			for j := range c.h * c.v {
				bx, by := mx*c.h+j%c.h, my*c.v+j/c.h
				if pos > limit {
					return errFastJPEG
				}
				// DC difference.
				if nb < 32 {
					acc |= binary.BigEndian.Uint64(buf[pos:]) >> nb
					pos += int(63-nb) >> 3
					nb |= 56
				}
				s, l := dcT.decode(acc)
				if l == 0 || s > 16 {
					return errFastJPEG
				}
				acc <<= l
				nb -= l
				if s != 0 {
					pred[ci] += fjExtend(acc, uint(s))
					acc <<= s
					nb -= uint(s)
				}
				dc := pred[ci] * q[0]
				dcPlane[by*c.bw+bx] = dc
				slot := cols[bx] + rows[by]
				need := cols[bx] >= 0 && rows[by] >= 0
				// AC coefficients.
				for k := 1; k < 64; {
					if nb < 32 {
						acc |= binary.BigEndian.Uint64(buf[pos:]) >> nb
						pos += int(63-nb) >> 3
						nb |= 56
					}
					rs, l := acT.decode(acc)
					if l == 0 {
						return errFastJPEG
					}
					acc <<= l
					nb -= l
					r, s := int(rs>>4), uint(rs&15)
					if s == 0 {
						if r == 15 {
							k += 16
							continue
						}
						if r != 0 { // an EOB run: progressive only
							return errFastJPEG
						}
						break
					}
					k += r
					if k > 63 { // as image/jpeg: stop before the extra bits
						break
					}
					if need {
						blk[fjUnzig[k]] = fjExtend(acc, s) * q[k]
					}
					acc <<= s
					nb -= s
					k++
				}
				if need {
					blk[0] = dc
					fjIDCT(&blk)
					out := pix[64*slot : 64*slot+64 : 64*slot+64]
					for i, v := range blk {
						out[i] = fjSample(v)
					}
					blk = [64]int32{}
				}
			}
		}
	}
	used := 8*pos - int(nb) // bits consumed
	if used > 8*n || (used+7)/8 != n {
		return errFastJPEG
	}
	return nil
}
