package sgemm

// Packed is a k×n matrix B stored once in the layout Sgemm's micro-kernel
// streams through (Goto's packed B): for each block of kc rows, the
// columns in kernel.nr-wide panels of kc×nr values, row-major, the last
// panel zero-padded. Sgemm packs B on every call; a caller that multiplies
// by the same B many times (a convolution's kernel at inference, one image
// after another) packs it once with Pack and multiplies with GemmPacked,
// which reads the panels in place. The packed copy does not follow later
// changes to B: pack again (PackInto) after changing it.
type Packed struct {
	k, n   int
	kc, nr int // rows per block and panel width
	npad   int // n rounded up to whole panels
	data   []float32
}

// K returns the number of rows of the packed matrix.
func (p *Packed) K() int { return p.k }

// N returns the number of columns of the packed matrix.
func (p *Packed) N() int { return p.n }

// PanelWidth returns the width of the micro-kernel's panels (nr): GemmPacked
// multiplies by a range of columns that starts at a multiple of it.
func PanelWidth() int { return best.nr }

// Pack returns B (k×n, row-major, row stride ldb ≥ n) packed.
func Pack(k, n int, b []float32, ldb int) *Packed {
	return PackInto(nil, k, n, b, ldb)
}

// PackInto is Pack reusing p's memory when it is large enough (p may be
// nil); it returns the packed matrix.
func PackInto(p *Packed, k, n int, b []float32, ldb int) *Packed {
	if k < 1 || n < 1 || ldb < n || len(b) < (k-1)*ldb+n {
		panic("sgemm: Pack: expected k, n ≥ 1, ldb ≥ n and len(b) ≥ (k-1)·ldb+n")
	}
	if p == nil {
		p = new(Packed)
	}
	nr := best.nr
	p.k, p.n, p.nr = k, n, nr
	p.kc = ceilDiv(k, ceilDiv(k, kcMax))
	p.npad = ceilDiv(n, nr) * nr
	size := k * p.npad
	if cap(p.data) < size {
		p.data = make([]float32, size)
	}
	p.data = p.data[:size]
	for pc := 0; pc < k; pc += p.kc {
		kcb := min(p.kc, k-pc)
		packB(p.data[pc*p.npad:], false, b, ldb, pc, 0, kcb, n, nr, nil)
	}
	return p
}

// GemmPacked computes C = alpha·A·B[:, j0:j1] + beta·C, where A is m×k
// (row i at a[i·lda:], lda ≥ 1: rows may overlap, as in GemmOverlap), B
// the k×n packed matrix p and C m×(j1-j0) (row stride ldc). j0 must be a
// multiple of PanelWidth and 0 ≤ j0 < j1 ≤ p.N(). C is not read when beta
// is zero. It runs on the calling goroutine and does not allocate.
func GemmPacked(m, j0, j1 int, alpha float32, a []float32, lda int, p *Packed, beta float32, c []float32, ldc int) {
	gemmPacked(m, j0, j1, alpha, a, lda, p, beta, c, ldc, nil, false, m, m)
}
