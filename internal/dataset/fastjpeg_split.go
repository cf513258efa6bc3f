package dataset

import (
	"bytes"
	"runtime"
	"sync"
	"sync/atomic"
)

// Two cores on one entropy-coded segment. Huffman data has no index: a
// decoder cannot start in the middle of a file without restart markers.
// But it can guess: the second goroutine starts at the middle byte as if
// an MCU began there. Huffman codes resynchronise quickly, so after a few
// blocks its guess usually falls into step with the true block boundaries.
// The first goroutine decodes from the start; once past the middle it
// compares, at each of its MCU starts, its bit position with those the
// second one recorded. An equal position means both decoders are in the
// same state from there on (the data alone determines the rest; only the
// DC predictors differ, and the second one kept differences). The first
// stops there; the second's records then give every later block's DC level
// by a running sum, and the MCUs holding sampled blocks are decoded again
// from their recorded positions (on both goroutines). If the two never
// meet, the first simply decodes to the end: the result is the same
// either way (TestFastJPEGSplit), only the time differs. The idea is that
// of Weißenberger and Schmidt, "Massively parallel Huffman decoding on
// GPUs" (ICPP 2018), for two decoders.

// fjSplitMin is the smallest single segment (in bytes) decoded by two
// goroutines; tests lower it.
var fjSplitMin = 128 << 10

// fjSpec is what the speculative decoder records.
type fjSpec struct {
	from     int        // bit where it started
	dataBits int        // bits of data in the segment
	at       []fjReader // the reader at each MCU start (preallocated)
	bits     []int      // at[i].bit()
	diffs    []int32    // every block's DC difference, in order
	n        atomic.Int64
	done     atomic.Bool // stopped: n is final
	err      error
	end      fjReader
}

// publish records an MCU start; false if the records are full.
func (s *fjSpec) publish(r fjReader, u int) bool {
	i := int(s.n.Load())
	if i >= len(s.at) {
		return false
	}
	s.at[i], s.bits[i] = r, u
	s.n.Store(int64(i + 1))
	return true
}

// find returns the first record at or after bit u, from index i on, and
// whether it is at u; -1 if the decoder stopped before bit u. It waits for
// the decoder to get past u.
func (s *fjSpec) find(i, u int) (int, bool) {
	for {
		n := int(s.n.Load())
		for i < n && s.bits[i] < u {
			i++
		}
		if i < n {
			return i, s.bits[i] == u
		}
		if s.done.Load() {
			if int(s.n.Load()) > n {
				continue
			}
			return -1, false
		}
		runtime.Gosched()
	}
}

// runSplit decodes one segment on two goroutines (see above).
func (p *fjPass) runSplit(seg []byte) error {
	f := p.f
	total := f.mcuw * f.mcuh
	bpm := 0
	for c := range f.ncomp {
		bpm += f.comp[c].h * f.comp[c].v
	}
	// The first goroutine also transforms the sampled blocks of its part,
	// the second's are decoded again afterwards: a split a little before
	// the middle balances them (measured: at the middle the first took
	// 1.2–1.8× the second's CPU time).
	m := len(seg) * 42 / 100
	if seg[m-1] == 0xFF { // not between 0xFF and its stuffed zero
		m++
	}
	st := bytes.Count(seg[:m], []byte{0xFF})
	spec := &fjSpec{
		from:     8 * (m - st),
		dataBits: 8 * (len(seg) - bytes.Count(seg, []byte{0xFF})),
		at:       make([]fjReader, total+1),
		bits:     make([]int, total+1),
		diffs:    make([]int32, 0, bpm*(total+1)),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		r := fjReader{pos: m, stuffed: st}
		var pred [3]int32
		_, _, spec.err = p.mcus(seg, &r, &pred, 0, total+1, spec, nil)
		spec.end = r
		spec.done.Store(true)
	}()
	var r fjReader
	var pred [3]int32
	sIdx, mA, err := p.mcus(seg, &r, &pred, 0, total, nil, spec)
	<-done
	if err != nil {
		return err
	}
	if sIdx < 0 { // never met: the first decoder did it all
		fjSplitStats.unsynced.Add(1)
		return fjCheckEnd(seg, &r)
	}
	// The speculative decoder runs until the data ends or fails; the
	// padding after the last MCU may make it fail on a phantom one. Record
	// k is the reader after MCU total-1: every MCU before it must have
	// decoded, and the data must end there.
	n, k := int(spec.n.Load()), sIdx+total-mA
	end := spec.end
	if k < n {
		end = spec.at[k]
	}
	if k > n || (k == n && spec.err != nil) || fjCheckEnd(seg, &end) != nil {
		// Inconsistent (corrupt data): decode the rest sequentially, so
		// the error, if any, is the sequential decoder's.
		if _, _, err := p.mcus(seg, &r, &pred, mA, total, nil, nil); err != nil {
			return err
		}
		return fjCheckEnd(seg, &r)
	}
	nB := k
	fjSplitStats.synced.Add(1)
	return p.fixUp(seg, spec, sIdx, nB, mA, pred, bpm)
}

// fixUp completes MCUs [mA, total) from the speculative decoder's records
// sIdx…nB-1, with the DC predictors pred at mA, on two goroutines.
func (p *fjPass) fixUp(seg []byte, spec *fjSpec, sIdx, nB, mA int, pred [3]int32, bpm int) error {
	f := p.f
	compOf := make([]int, 0, bpm) // component of each block of an MCU
	for c := range f.ncomp {
		for range f.comp[c].h * f.comp[c].v {
			compOf = append(compOf, c)
		}
	}
	mid := sIdx + (nB-sIdx)/2
	predMid := pred
	for i := sIdx * bpm; i < mid*bpm; i++ {
		predMid[compOf[i%bpm]] += spec.diffs[i]
	}
	half := func(from, to int, pred [3]int32) error {
		for i := from; i < to; i++ {
			mcu := mA + i - sIdx
			if p.mcuNeeded(mcu) {
				r := spec.at[i]
				if _, _, err := p.mcus(seg, &r, &pred, mcu, mcu+1, nil, nil); err != nil {
					return err
				}
				if i+1 < nB && r.bit() != spec.bits[i+1] {
					return errFastJPEG
				}
				continue
			}
			my, mx := mcu/f.mcuw, mcu%f.mcuw
			j := 0
			for c := range f.ncomp {
				cp := &f.comp[c]
				for jj := range cp.h * cp.v {
					pred[c] += spec.diffs[i*bpm+j]
					bx, by := mx*cp.h+jj%cp.h, my*cp.v+jj/cp.h
					p.dc[c][by*cp.bw+bx] = pred[c] * f.quant[cp.tq][0]
					j++
				}
			}
		}
		return nil
	}
	var wg sync.WaitGroup
	var err2 error
	wg.Add(1)
	go func() {
		defer wg.Done()
		err2 = half(mid, nB, predMid)
	}()
	err := half(sIdx, mid, pred)
	wg.Wait()
	if err != nil {
		return err
	}
	return err2
}

// mcuNeeded reports whether MCU mcu holds a needed block.
func (p *fjPass) mcuNeeded(mcu int) bool {
	f := p.f
	my, mx := mcu/f.mcuw, mcu%f.mcuw
	for c := range f.ncomp {
		cp := &f.comp[c]
		for jj := range cp.h * cp.v {
			bx, by := mx*cp.h+jj%cp.h, my*cp.v+jj/cp.h
			if p.col[c][bx] >= 0 && p.row[c][by] >= 0 {
				return true
			}
		}
	}
	return false
}

// fjSplitStats counts how split decodes ended, for tests.
var fjSplitStats struct{ synced, unsynced atomic.Int64 }
