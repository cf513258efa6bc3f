package sgemm

import "unsafe"

// GemmPackedNext is GemmPacked (C = alpha·A·B[:, j0:j1] + beta·C with the
// packed B p) that also prefetches, into L2, each next block of B while
// it multiplies by the current one: the next rank-kc block of p, and
// after p's last block the first block of next (if not nil; the columns
// [j0, j1) of a matrix packed as p is, such as the next kernel row of a
// direct convolution).
//
// At batch 1 a deep convolution's packed kernel is far larger than L2
// (ResNet-18's 7×7 layers: 9.4 MB), and each kc×nc block of it is used by
// a few row tiles of A: the first tile reads the block from memory at
// memory speed while the FMA units wait, the others from L2. Spread over
// every micro-kernel call of the block (each call prefetches 32 bytes per
// rank-1 update from its own share of the next block), the next block's
// stream overlaps with the arithmetic. The products are GemmPacked's: the
// same kernels, in the same order, so C is bit for bit the same.
func GemmPackedNext(m, j0, j1 int, alpha float32, a []float32, lda int, p *Packed, beta float32, c []float32, ldc int, next *Packed) {
	gemmPacked(m, j0, j1, alpha, a, lda, p, beta, c, ldc, next, true, m, m)
}

// GemmPackedRows is GemmPackedNext for the rows of A and C that are in
// runs of seg rows every stride rows (rows i with i mod stride < seg; 1 ≤
// seg ≤ stride): the other rows of C are neither read nor written. The
// direct convolution paths multiply every input pixel of a block of rows
// as if it were an output pixel; the wp − ow pixels past each output row
// are junk (2 of 9 on a padded 7×7 map), and here their products are
// skipped instead of computed and dropped. Each run is cut into tiles of
// its own, so each row's products are those of GemmPacked, bit for bit.
func GemmPackedRows(m, j0, j1 int, alpha float32, a []float32, lda int, p *Packed, beta float32, c []float32, ldc int, next *Packed, seg, stride int) {
	if seg < 1 || stride < seg {
		panic("sgemm: GemmPackedRows: expected 1 ≤ seg ≤ stride")
	}
	gemmPacked(m, j0, j1, alpha, a, lda, p, beta, c, ldc, next, true, seg, stride)
}

// gemmPacked is GemmPacked, with prefetch GemmPackedNext, with seg <
// stride GemmPackedRows.
func gemmPacked(m, j0, j1 int, alpha float32, a []float32, lda int, p *Packed, beta float32, c []float32, ldc int, next *Packed, prefetch bool, seg, stride int) {
	k, nr := p.k, p.nr
	if m < 0 || lda < 1 || j0 < 0 || j1 > p.n || j0 >= j1 || j0%nr != 0 || ldc < j1-j0 {
		panic("sgemm: GemmPacked: invalid arguments")
	}
	if m == 0 {
		return
	}
	if len(a) < (m-1)*lda+k {
		panic(shortA)
	}
	if len(c) < (m-1)*ldc+j1-j0 {
		panic(shortC)
	}
	if next != nil && (next.nr != nr || j1 > next.n) {
		next = nil
	}
	kern := best
	if kern.runNext == nil {
		prefetch = false
	}

	run := kern.run
	if kern.runPacked != nil {
		run = kern.runPacked
	}
	n := j1 - j0
	nb := ceilDiv(n, ncMax)
	nc := ceilDiv(ceilDiv(n, nb), nr) * nr
	for jc := 0; jc < n; jc += nc {
		ncb := min(nc, n-jc)
		for pc := 0; pc < k; pc += p.kc {
			kcb := min(p.kc, k-pc)
			betaBlock := beta
			if pc > 0 {
				betaBlock = 1
			}
			blk := p.data[pc*p.npad:]
			var pf []float32
			if prefetch {
				pf = nextBlock(p, next, j0, jc, ncb, nc, n, pc)
			}
			if halves := pairHalves(&kern, m, seg, stride); prefetch && halves > 0 {
				runPairs(&kern, halves, stride, pc, kcb, j0, jc, ncb, alpha, a, lda, blk, betaBlock, c, ldc, pf, ceilDiv(halves, 2)*ceilDiv(ncb, nr))
				continue
			}
			// wide: runs start with pair tiles of 2·pairRows rows (packed_pair.go).
			wide := prefetch && pairTiles && kern.runPair != nil && (seg < stride || pf != nil && k*p.n >= pairMinKernel)
			h2 := 0
			if wide {
				h2 = 2 * kern.pairRows
			}
			calls := rowTilesWide(m, seg, stride, kern.mr, h2) * ceilDiv(ncb, nr)
			pfw := pf
			if wide && len(pfw) == 0 { // the last block: prefetch the current one, in L2 already
				pfw = blk[(j0+jc)*kcb : (j0+jc+ncb)*kcb]
			}
			q := 0
			for g0 := 0; g0 < m; g0 += stride {
				end := g0 + min(seg, m-g0)
				ic := g0
				for ; wide && end-ic >= h2; ic += h2 {
					half := ic + h2/2
					for jr := 0; jr < ncb; jr += nr {
						b := blk[(j0+jc+jr)*kcb:]
						off := q * len(pfw) / calls &^ 15
						kern.runPair(min(nr, ncb-jr), kcb, a[ic*lda+pc:], a[half*lda+pc:], lda, b, c[ic*ldc+jc+jr:], c[half*ldc+jc+jr:], ldc, alpha, betaBlock, uintptrOf(pfw[off:]))
						q++
					}
				}
				for tiles := ceilDiv(end-ic, kern.mr); ic < end; tiles-- {
					mrb := ceilDiv(end-ic, tiles)
					ablk := a[ic*lda+pc:]
					cblk := c[ic*ldc:]
					for jr := 0; jr < ncb; jr += nr {
						nrb := min(nr, ncb-jr)
						b := blk[(j0+jc+jr)*kcb:]
						if pf != nil {
							off := q * len(pf) / calls &^ 15 // a 64-byte line of this call's share
							kern.runNext(mrb, nrb, kcb, ablk, lda, 1, b, nr, cblk[jc+jr:], ldc, alpha, betaBlock, uintptrOf(pf[off:]))
						} else {
							run(mrb, nrb, kcb, ablk, lda, 1, b, nr, cblk[jc+jr:], ldc, alpha, betaBlock)
						}
						q++
					}
					ic += mrb
				}
			}
		}
	}
}

// rowTilesWide returns the number of row tiles gemmPacked cuts m rows
// into: runs of seg rows every stride rows, each in as many tiles of h2
// rows as fit (h2 > 0: pair tiles, packed_pair.go), then tiles of at most
// mr.
func rowTilesWide(m, seg, stride, mr, h2 int) int {
	run := func(r int) int {
		t := 0
		if h2 > 0 {
			t = r / h2
			r %= h2
		}
		return t + ceilDiv(r, mr)
	}
	full := m / stride
	t := full * run(seg)
	if r := min(seg, m-full*stride); r > 0 {
		t += run(r)
	}
	return t
}

// nextBlock returns the packed values GemmPackedNext multiplies by after
// block (jc, pc) of p: the next rank-kc block of the same columns, or the
// first of the next column block, or next's first block of columns
// [j0, j0+n); nil after the last.
func nextBlock(p, next *Packed, j0, jc, ncb, nc, n, pc int) []float32 {
	nr := p.nr
	cols := func(q *Packed, pc, c0, c1 int) []float32 {
		kcb := min(q.kc, q.k-pc)
		c1 = min(ceilDiv(c1, nr)*nr, q.npad)
		return q.data[pc*q.npad+c0*kcb : pc*q.npad+c1*kcb]
	}
	switch {
	case pc+p.kc < p.k:
		return cols(p, pc+p.kc, j0+jc, j0+jc+ncb)
	case jc+nc < n:
		return cols(p, 0, j0+jc+nc, j0+min(jc+2*nc, n))
	case next != nil:
		return cols(next, 0, j0, j0+min(nc, n))
	}
	return nil
}

// uintptrOf returns the address of v's first element.
func uintptrOf(v []float32) uintptr { return uintptr(unsafe.Pointer(&v[0])) }
