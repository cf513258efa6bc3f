package sgemm

// GemmOverlap computes C = alpha·op(A)·op(B) + beta·C as Sgemm does (A stored
// m×k, or k×m when aTrans; B stored k×n, or n×k when bTrans; row-major), except
// that the stored rows of A may overlap: lda only has to be at least 1, not
// at least the length of a row. Row i of the stored A is a[i·lda :
// i·lda+cols], so with lda smaller than cols consecutive rows are sliding
// windows over one array.
//
// That is how a convolution reads its input as the im2col matrix without
// copying it: in an NHWC image, the kw·cin values under a kernel row at
// output pixel p start at p·cin, so the matrix of all those windows is the
// image itself with lda = cin. Sgemm never writes A, so overlapping rows are
// safe; B and C must not overlap themselves or each other, as in Sgemm.
//
// GemmOverlap runs on the calling goroutine and, after warm-up, does not
// allocate. It panics if an argument is negative or a slice is too short.
func GemmOverlap(aTrans, bTrans bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("sgemm: GemmOverlap: negative dimension")
	}
	if lda < 1 {
		panic(badLdA)
	}
	if bTrans && ldb < max(1, k) || !bTrans && ldb < max(1, n) {
		panic(badLdB)
	}
	if ldc < max(1, n) {
		panic(badLdC)
	}
	if m == 0 || n == 0 {
		return
	}
	ar, ac := m, k
	if aTrans {
		ar, ac = k, m
	}
	br, bc := k, n
	if bTrans {
		br, bc = n, k
	}
	if k > 0 && len(a) < (ar-1)*lda+ac {
		panic(shortA)
	}
	if k > 0 && len(b) < (br-1)*ldb+bc {
		panic(shortB)
	}
	if len(c) < (m-1)*ldc+n {
		panic(shortC)
	}
	if alpha == 0 || k == 0 {
		if beta != 1 {
			scale(m, n, beta, c, ldc)
		}
		return
	}
	gemm(best, aTrans, bTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
