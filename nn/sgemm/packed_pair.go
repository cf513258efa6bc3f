package sgemm

// Pair tiles for GemmPackedNext and GemmPackedRows: at batch 1 the direct
// convolution paths of ResNet-18's 14×14 and 7×7 layers multiply runs of
// 14 or 7 output rows (one output row of the map; the junk pixels between
// them skipped). Tiled on their own, those runs took tiles of 7 rows, and
// each 7-row tile read its rank-kc block of the packed kernel from L2 once
// per 14 FMAs per loaded pair of B vectors. The pair kernel (the R kernel
// of _asm/asm.go, kernel.runPair) multiplies two half-runs of pairRows
// rows at once, anywhere in A and C: a run of 14 rows or more starts with
// tiles of 14 (gemmPacked), and runs of exactly 7 rows are paired with the
// next run (runPairs). B is then read half as often, and 14 broadcasts
// serve 28 FMAs instead of 7 serving 14 (or 12 serving 24 in the 12-row
// tiles of contiguous rows, which take 14-row tiles as well).
//
// Every row of C gets the same products in the same order whatever the
// tiles, so the results are bit for bit the same with or without pairs
// (TestGemmPackedRowsPairs).

// pairMinKernel is the smallest B (k·n values, the whole packed matrix,
// whatever range of its columns one call multiplies by: a 2-worker
// column block streams its half from memory too) whose contiguous rows
// take pair tiles: B streamed from memory (ResNet-18's 14→7 3×3/2 im2col
// product, 4.7 MB, 0.86 against 0.90–0.97 ms alone). With B in L2 (the
// 1×1 shortcuts' 0.5 MB, the strided path's kernel rows) they were 3–8 %
// slower than tiles of 12 alone, and the 14→7 1×1 shortcut 60 % slower
// inside ResNet-18. Runs with junk rows between them (GemmPackedRows)
// always take them: there the other tiles have 7 rows.
const pairMinKernel = 1 << 20

// pairTiles enables the pair kernel (benchmarks and tests turn it off to
// compare).
var pairTiles = true

// pairHalves returns the number of runs of h = kern.pairRows rows that
// gemmPacked multiplies in pairs for m rows in runs of seg every stride
// rows, or 0 unless seg = h < stride and the last run is whole.
func pairHalves(kern *kernel, m, seg, stride int) int {
	h := kern.pairRows
	if !pairTiles || kern.runPair == nil || seg >= stride || seg != h || m%stride != seg {
		return 0
	}
	return m/stride + 1
}

// runPairs multiplies the halves runs of h rows (pairHalves) of one
// rank-kc block blk (columns [j0+jc, j0+jc+ncb) of p) in pairs, an odd
// last run by runNext, spreading the prefetches of pf over the calls as
// gemmPacked does (calls: their total).
func runPairs(kern *kernel, halves, stride, pc, kcb, j0, jc, ncb int, alpha float32, a []float32, lda int, blk []float32, betaBlock float32, c []float32, ldc int, pf []float32, calls int) {
	h, nr := kern.pairRows, kern.nr
	if len(pf) == 0 { // the last block: prefetch the current one, in L2 already
		pf = blk[(j0+jc)*kcb : (j0+jc+ncb)*kcb]
	}
	q := 0
	for t := 0; t < halves; t += 2 {
		r0 := t * stride
		a0, c0 := a[r0*lda+pc:], c[r0*ldc:]
		var a1, c1 []float32
		if t+1 < halves {
			r1 := r0 + stride
			a1, c1 = a[r1*lda+pc:], c[r1*ldc:]
		}
		for jr := 0; jr < ncb; jr += nr {
			nrb := min(nr, ncb-jr)
			b := blk[(j0+jc+jr)*kcb:]
			off := q * len(pf) / calls &^ 15
			if a1 != nil {
				kern.runPair(nrb, kcb, a0, a1, lda, b, c0[jc+jr:], c1[jc+jr:], ldc, alpha, betaBlock, uintptrOf(pf[off:]))
			} else {
				kern.runNext(h, nrb, kcb, a0, lda, 1, b, nr, c0[jc+jr:], ldc, alpha, betaBlock, uintptrOf(pf[off:]))
			}
			q++
		}
	}
}

// SetPairTiles turns the pair kernel on or off for GemmPackedNext and
// GemmPackedRows (on by default) and returns the previous setting;
// results are bit for bit the same either way. It is for benchmarks
// that compare the two (nn's BenchmarkResNet18AB, RESNET_AB=pair), and
// is not safe to call while products run.
func SetPairTiles(on bool) bool {
	old := pairTiles
	pairTiles = on
	return old
}
