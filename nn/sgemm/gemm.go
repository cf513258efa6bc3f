package sgemm

import "sync"

// kernel is a register-blocked micro-kernel. run computes the mr×nr tile
//
//	C[i, j] = alpha·Σ_p A[i, p]·B[p, j] + beta·C[i, j]   (i < mr, j < nr, p < k)
//
// where A element (i, p) is a[i·rsa + p·csa], B element (p, j) is
// b[p·ldb + j] and C element (i, j) is c[i·ldc + j]. mr ≤ kernel.mr and
// nr ≤ kernel.nr; k ≥ 1. C is not read when beta is zero.
type kernel struct {
	name   string
	mr, nr int
	run    func(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32)

	// runPacked, if not nil, is run for GemmPacked, whose B (a Packed
	// matrix, often streamed from L3 or memory) it may prefetch ahead.
	runPacked func(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32)

	// runNext, if not nil, is runPacked that also prefetches into L2 the
	// 32·k bytes from pf on, a part of the block of B that GemmPackedNext
	// multiplies by next (packed_next.go).
	runNext func(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, pf uintptr)

	// runPair, if not nil, is runNext for a tile of 2·pairRows rows of
	// packed B (ldb = nr) whose two halves of pairRows rows start at a
	// and a2 in A and at c and c2 in C (packed_pair.go).
	runPair  func(nr, k int, a, a2 []float32, rsa int, b []float32, c, c2 []float32, ldc int, alpha, beta float32, pf uintptr)
	pairRows int

	// padB says that run reads all nr columns of B even when nr is smaller,
	// so B must be packed (and zero-padded) unless n is a multiple of nr.
	padB bool

	// transpose, if not nil, writes dst[p·ldd + j] = src[j·lds + p] for
	// j, p < 16, for nblk blocks of 16×16 that are 16 columns apart in src
	// and 16 rows apart in dst. It speeds up packing a transposed B.
	transpose func(dst []float32, ldd int, src []float32, lds, nblk int)
}

// Blocking parameters. kcMax bounds the depth of one rank-kc update, so that
// an mr×kc sliver of A stays in L1 while it meets every panel of B; ncMax
// bounds the width of the kc×nc block of B, which stays in L2.
var (
	kcMax = 384
	ncMax = 1024
)

// bufs recycles packing buffers for B, so that Sgemm does not allocate in
// steady state. It is a plain free list rather than a sync.Pool, which
// drops items on purpose under the race detector: callers' allocation tests
// hold with -race too. It keeps at most maxFree buffers (one per concurrent
// call is enough).
var bufs struct {
	sync.Mutex
	free []*[]float32
}

const maxFree = 64

// getBuf returns a buffer of length n.
func getBuf(n int) *[]float32 {
	bufs.Lock()
	var b *[]float32
	if k := len(bufs.free); k > 0 {
		b = bufs.free[k-1]
		bufs.free = bufs.free[:k-1]
	}
	bufs.Unlock()
	if b == nil {
		b = new([]float32)
	}
	if cap(*b) < n {
		*b = make([]float32, n)
	}
	*b = (*b)[:n]
	return b
}

// putBuf gives b back to getBuf.
func putBuf(b *[]float32) {
	bufs.Lock()
	if len(bufs.free) < maxFree {
		bufs.free = append(bufs.free, b)
	}
	bufs.Unlock()
}

// gemm computes C = alpha·op(A)·op(B) + beta·C with micro-kernel kern, for
// valid arguments with m, n, k ≥ 1 and alpha ≠ 0.
//
// The loops are those of Goto's algorithm (and BLIS) with A left unpacked:
// for each kc×nc block of B, packed into kernel.nr-wide row panels, each
// mr-row sliver of A is multiplied with every panel. The micro-kernel reads
// A in place through its row and column strides, which costs nothing on the
// shapes that matter here (N ≤ 512, so every element of A meets only a few
// panels). B is packed when it is transposed or when it will be reused by
// enough slivers of A to repay the copy; otherwise the kernel reads it in
// place.
func gemm(kern kernel, aTrans, bTrans bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	mr, nr := kern.mr, kern.nr
	rsa, csa := lda, 1
	if aTrans {
		rsa, csa = 1, lda
	}
	// Split k into blocks of nearly equal depth, and n likewise, rounded
	// up to whole panels.
	kb := ceilDiv(k, kcMax)
	kc := ceilDiv(k, kb)
	nb := ceilDiv(n, ncMax)
	nc := ceilDiv(ceilDiv(n, nb), nr) * nr

	pack := bTrans || ldb > 4*nr || (kern.padB && n%nr != 0)
	var buf *[]float32
	var pb []float32
	if pack {
		buf = getBuf(kc * min(nc, ceilDiv(n, nr)*nr))
		pb = *buf
	}

	for jc := 0; jc < n; jc += nc {
		ncb := min(nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kcb := min(kc, k-pc)
			betaBlock := beta
			if pc > 0 {
				betaBlock = 1
			}
			if pack {
				packB(pb, bTrans, b, ldb, pc, jc, kcb, ncb, nr, kern.transpose)
			}
			// Rows are split into ceil(m/mr) tiles of nearly equal height:
			// a short last tile has too few accumulators to hide the
			// latency of the FMAs.
			tiles := ceilDiv(m, mr)
			for ic := 0; ic < m; tiles-- {
				mrb := ceilDiv(m-ic, tiles)
				ablk := a[ic*rsa+pc*csa:]
				cblk := c[ic*ldc:]
				for jr := 0; jr < ncb; jr += nr {
					nrb := min(nr, ncb-jr)
					if pack {
						kern.run(mrb, nrb, kcb, ablk, rsa, csa, pb[jr*kcb:], nr, cblk[jc+jr:], ldc, alpha, betaBlock)
					} else {
						kern.run(mrb, nrb, kcb, ablk, rsa, csa, b[pc*ldb+jc+jr:], ldb, cblk[jc+jr:], ldc, alpha, betaBlock)
					}
				}
				ic += mrb
			}
		}
	}
	if pack {
		putBuf(buf)
	}
}

// packB copies the kc×nc block of op(B) at row pc, column jc into dst as
// consecutive kc×nr row-major panels (the last one zero-padded), the layout
// the micro-kernel streams through. transpose, if not nil, transposes
// 16×16 blocks (see kernel.transpose).
func packB(dst []float32, bTrans bool, b []float32, ldb, pc, jc, kc, nc, nr int, transpose func(dst []float32, ldd int, src []float32, lds, nblk int)) {
	if !bTrans {
		// Row by row, so that B is read sequentially.
		for p := 0; p < kc; p++ {
			src := b[(pc+p)*ldb+jc : (pc+p)*ldb+jc+nc]
			for jr := 0; jr < nc; jr += nr {
				w := min(nr, nc-jr)
				row := dst[jr*kc+p*nr : jr*kc+p*nr+nr]
				copy(row[:w], src[jr:jr+w])
				clear(row[w:])
			}
		}
		return
	}
	// op(B)[p, j] = B[j, p]: read rows of B, write columns of the panels.
	for jr := 0; jr < nc; jr += nr {
		w := min(nr, nc-jr)
		panel := dst[jr*kc : jr*kc+kc*nr]
		j := 0
		if transpose != nil {
			for ; j+16 <= w; j += 16 {
				src := b[(jc+jr+j)*ldb+pc:]
				nblk := kc / 16
				if nblk > 0 {
					transpose(panel[j:], nr, src, ldb, nblk)
				}
				for jj := j; jj < j+16; jj++ {
					src := b[(jc+jr+jj)*ldb+pc : (jc+jr+jj)*ldb+pc+kc]
					for p := nblk * 16; p < kc; p++ {
						panel[p*nr+jj] = src[p]
					}
				}
			}
		}
		for ; j < w; j++ {
			src := b[(jc+jr+j)*ldb+pc : (jc+jr+j)*ldb+pc+kc]
			for p, v := range src {
				panel[p*nr+j] = v
			}
		}
		if w < nr {
			for p := 0; p < kc; p++ {
				clear(panel[p*nr+w : p*nr+nr])
			}
		}
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }
