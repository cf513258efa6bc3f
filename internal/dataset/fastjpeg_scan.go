package dataset

import (
	"bytes"
	"runtime"
	"sync"
)

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
	// cmask[c][bx] marks the pixel columns of block column bx that are
	// read (bit x); nil: all.
	cmask [3][]uint8
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
	if len(segs) == 1 && runtime.GOMAXPROCS(0) >= 2 && len(segs[0]) >= fjSplitMin {
		return p.runSplit(segs[0])
	}
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
	for s := first; s < last; s++ {
		if err := p.interval(f.segs[s], s*ri, min(s*ri+ri, total)); err != nil {
			return err
		}
	}
	return nil
}

// interval decodes MCUs [mcu0, mcu1) from the byte-stuffed segment seg.
// Like image/jpeg, it fails if the codes need bits past the data; unlike
// it, it also refuses data that does not end within the last byte it used
// (image/jpeg would skip or resynchronise).
func (p *fjPass) interval(seg []byte, mcu0, mcu1 int) error {
	var r fjReader
	var pred [3]int32
	if _, _, err := p.mcus(seg, &r, &pred, mcu0, mcu1, nil, nil); err != nil {
		return err
	}
	return fjCheckEnd(seg, &r)
}

// fjCheckEnd checks that the data of seg ends within the last byte r
// used.
func fjCheckEnd(seg []byte, r *fjReader) error {
	used := r.bit()
	n := len(seg) - r.stuffed
	if r.pos < len(seg) {
		n -= bytes.Count(seg[r.pos:], []byte{0xFF})
	}
	if used > 8*n || (used+7)/8 != n {
		return errFastJPEG
	}
	return nil
}

// mcus decodes MCUs [mcu0, mcu1) from seg, from reader r and DC
// predictors pred (both updated).
//
// With spec, it decodes speculatively from wherever r stands, taking it
// for an MCU start: it stores nothing but spec's records (the reader at
// each MCU start, every block's DC difference) and stops, without error,
// at an MCU start where no data is left (mcu1 only bounds the count).
//
// With watch (a speculative decoder of a later part running at the same
// time), it checks at each MCU start from watch.from on whether watch
// started an MCU at the same bit: if so it returns that record's index
// and the MCU's, leaving r there; from that bit on, both decode the same.
func (p *fjPass) mcus(seg []byte, r *fjReader, pred *[3]int32, mcu0, mcu1 int, spec, watch *fjSpec) (synced, syncMCU int, err error) {
	f := p.f
	acc, nb, pos, stuffed := r.acc, r.nb, r.pos, r.stuffed
	defer func() { r.acc, r.nb, r.pos, r.stuffed = acc, nb, pos, stuffed }()
	var blk [64]int32
	limit := len(seg) + 8
	wi := 0 // watch: first record not before the current bit
	for mcu := mcu0; mcu < mcu1; mcu++ {
		if spec != nil || watch != nil {
			u := 8*(pos-stuffed) - int(nb)
			if spec != nil {
				if u >= spec.dataBits {
					return -1, 0, nil
				}
				if !spec.publish(fjReader{acc, nb, pos, stuffed}, u) {
					return -1, 0, errFastJPEG
				}
			}
			if watch != nil && u >= watch.from {
				var found bool
				if wi, found = watch.find(wi, u); found {
					return wi, mcu, nil
				}
				if wi < 0 {
					watch = nil // it stopped short of this bit: no sync
				}
			}
		}
		my, mx := mcu/f.mcuw, mcu%f.mcuw
		for ci := range f.ncomp {
			c := &f.comp[ci]
			dcT, acT := f.huff[0][c.td], f.huff[1][c.ta]
			q := &f.quant[c.tq]
			dcPlane, cols, rows, pix := p.dc[ci], p.col[ci], p.row[ci], p.pix[ci]
			for j := range c.h * c.v {
				if pos > limit {
					return -1, 0, errFastJPEG
				}
				// DC difference.
				if nb < 32 {
					acc, nb, pos, stuffed = fjRefill(seg, acc, nb, pos, stuffed)
				}
				s, l := dcT.decode(acc)
				if l == 0 || s > 16 {
					return -1, 0, errFastJPEG
				}
				acc <<= l
				nb -= l
				diff := int32(0)
				if s != 0 {
					diff = fjExtend(acc, uint(s))
					acc <<= s
					nb -= uint(s)
				}
				need, slot, bx := false, int32(0), 0
				if spec != nil {
					spec.diffs = append(spec.diffs, diff)
				} else {
					pred[ci] += diff
					var by int
					bx, by = mx*c.h+j%c.h, my*c.v+j/c.h
					dcPlane[by*c.bw+bx] = pred[ci] * q[0]
					slot = cols[bx] + rows[by]
					need = cols[bx] >= 0 && rows[by] >= 0
				}
				nzRows := uint8(1) // rows of blk holding a coefficient
				// AC coefficients.
				for k := 1; k < 64; {
					if nb < 32 {
						acc, nb, pos, stuffed = fjRefill(seg, acc, nb, pos, stuffed)
					}
					if e := acT.fast[acc>>(64-fjLutBits)]; e != 0 && k+int(e>>8&0x7F) <= 63 {
						n := uint(e & 0xFF)
						acc <<= n
						nb -= n
						if e&fjFastEOB != 0 {
							break
						}
						k += int(e >> 8 & 0x7F)
						if need {
							z := fjUnzig[k]
							blk[z] = (e >> 16) * q[k]
							nzRows |= 1 << (z >> 3)
						}
						k++
						continue
					}
					rs, l := acT.decode(acc)
					if l == 0 {
						return -1, 0, errFastJPEG
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
							return -1, 0, errFastJPEG
						}
						break
					}
					k += r
					if k > 63 { // as image/jpeg: stop before the extra bits
						break
					}
					if need {
						z := fjUnzig[k]
						blk[z] = fjExtend(acc, s) * q[k]
						nzRows |= 1 << (z >> 3)
					}
					acc <<= s
					nb -= s
					k++
				}
				if need {
					blk[0] = pred[ci] * q[0]
					cm := uint8(0xFF)
					if cmask := p.cmask[ci]; cmask != nil {
						cm = cmask[bx]
					}
					fjIDCT(&blk, nzRows, cm)
					out := pix[64*slot : 64*slot+64 : 64*slot+64]
					for x := range 8 {
						if cm&(1<<x) != 0 {
							for y := 0; y < 64; y += 8 {
								out[y+x] = fjSample(blk[y+x])
							}
						}
					}
					blk = [64]int32{}
				}
			}
		}
	}
	return -1, 0, nil
}
