package nn

import "github.com/convscope/convscope/nn/sgemm"

// gemmPackedRow multiplies by the packed kernel row packs[u] as
// sgemm.GemmPacked does and, with prefetchNext, prefetches the next block
// of the kernel into L2 while it does (sgemm.GemmPackedNext: the next
// rank-kc block of packs[u], then packs[u+1]'s first): at batch 1 the
// deep layers' kernels stream from memory (BENCHMARKS.md, "the kernel
// stream"), and the products are the same either way. The direct, padded,
// strided and im2col paths call it (im2col with u = 0 of one pack).
func gemmPackedRow(m, j0, j1 int, a []float32, lda int, packs []*sgemm.Packed, u int, beta float32, c []float32, ldc int) {
	if !prefetchNext {
		sgemm.GemmPacked(m, j0, j1, 1, a, lda, packs[u], beta, c, ldc)
		return
	}
	var next *sgemm.Packed
	if u+1 < len(packs) {
		next = packs[u+1]
	}
	sgemm.GemmPackedNext(m, j0, j1, 1, a, lda, packs[u], beta, c, ldc, next)
}

// prefetchNext enables gemmPackedRow's prefetches (benchmarks turn it off
// to compare).
var prefetchNext = true
