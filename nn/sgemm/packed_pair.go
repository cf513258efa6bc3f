package sgemm

// Pair tiles for GemmPackedRows: at batch 1 the direct convolution paths
// of ResNet-18's 14×14 and 7×7 layers multiply runs of 14 or 7 output
// rows (one output row of the map; the junk pixels between them
// skipped). Tiled on their own, those runs take tiles of 7 rows, and each
// 7-row tile reads its rank-kc block of the packed kernel from L2 once
// per 14 FMAs per loaded pair of B vectors. The pair kernel (the R kernel
// of _asm/asm.go, kernel.runPair) multiplies two such half-runs of
// pairRows rows at once, anywhere in A and C: one 14-pixel run, or two
// consecutive 7-pixel runs. B is then read half as often, and 14
// broadcasts serve 28 FMAs instead of 7 serving 14.
//
// Every row of C gets the same products in the same order as from the
// 7-row tiles, so GemmPackedRows' results are bit for bit the same with
// or without pairs (TestGemmPackedRowsPairs).

// pairTiles enables the pair kernel (benchmarks and tests turn it off to
// compare).
var pairTiles = true

// pairHalves returns the number of half-runs of h = kern.pairRows rows
// that gemmPacked multiplies in pairs for m rows in runs of seg every
// stride rows, or 0 when the runs do not split into whole halves (seg
// must be h or 2h, and the last run whole).
func pairHalves(kern *kernel, m, seg, stride int) int {
	h := kern.pairRows
	if !pairTiles || kern.runPair == nil || seg >= stride || (seg != h && seg != 2*h) || m%stride != seg {
		return 0
	}
	return (m/stride + 1) * (seg / h)
}

// pairStart returns the first row of half-run i: per halves per run of
// h rows, runs stride rows apart.
func pairStart(i, per, h, stride int) int { return i/per*stride + i%per*h }

// runPairs multiplies the halves half-runs (pairHalves) of one rank-kc
// block blk (columns [j0+jc, j0+jc+ncb) of p) in pairs, an odd last half by
// runNext, spreading the prefetches of pf over the calls as gemmPacked does
// (q counts the calls made, calls their total).
func runPairs(kern *kernel, halves, seg, stride, pc, kcb, j0, jc, ncb int, alpha float32, a []float32, lda int, blk []float32, betaBlock float32, c []float32, ldc int, pf []float32, calls int) {
	h, nr := kern.pairRows, kern.nr
	per := seg / h
	if len(pf) == 0 { // the last block: prefetch the current one, in L2 already
		pf = blk[(j0+jc)*kcb : (j0+jc+ncb)*kcb]
	}
	q := 0
	for t := 0; t < halves; t += 2 {
		r0 := pairStart(t, per, h, stride)
		a0, c0 := a[r0*lda+pc:], c[r0*ldc:]
		var a1, c1 []float32
		if t+1 < halves {
			r1 := pairStart(t+1, per, h, stride)
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
