package nn

import "github.com/convscope/convscope/nn/sgemm"

// gemmPackedRow multiplies by the packed kernel row packs[u] as
// sgemm.GemmPacked does, for the m rows of a (row stride lda) into c (row
// stride ldc), and with prefetchNext:
//
//   - prefetches the next block of the kernel into L2 while it multiplies
//     (sgemm.GemmPackedNext: the next rank-kc block of packs[u], then
//     packs[u+1]'s first): at batch 1 the deep layers' kernels stream from
//     memory (BENCHMARKS.md, "the kernel stream");
//   - with skipJunk, computes only the rows in runs of seg every stride
//     rows (sgemm.GemmPackedRows): the direct paths' output pixels, not
//     the junk pixels past each output row (seg = ow, stride = the padded
//     row's pixels; seg = stride = m for the im2col path), where the junk
//     is ≥ 1/8 of the rows and the kernel row large (junkMinKernel).
//
// Every row it computes is bit for bit GemmPacked's. The direct, padded,
// strided and im2col paths call it (im2col with u = 0 of one pack).
func gemmPackedRow(m, j0, j1 int, a []float32, lda int, packs []*sgemm.Packed, u int, beta float32, c []float32, ldc, seg, stride int) {
	if !prefetchNext {
		sgemm.GemmPacked(m, j0, j1, 1, a, lda, packs[u], beta, c, ldc)
		return
	}
	var next *sgemm.Packed
	if u+1 < len(packs) {
		next = packs[u+1]
	}
	if skipJunk && 8*(stride-seg) >= stride && seg < m && packs[u].K()*packs[u].N() >= junkMinKernel {
		sgemm.GemmPackedRows(m, j0, j1, 1, a, lda, packs[u], beta, c, ldc, next, seg, stride)
		return
	}
	sgemm.GemmPackedNext(m, j0, j1, 1, a, lda, packs[u], beta, c, ldc, next)
}

// junkMinKernel is the smallest kernel row (floats) whose products skip
// the junk rows: ≥ 1/8 junk and a kernel row of ≥ 512 KB, ResNet-18's
// 14×14 and 7×7 maps. Runs of up to 14 rows are cut into tiles of 7, which
// re-read the kernel from L2 more often than tiles of 12: a gain where
// the products wait on the kernel, not on SqueezeNet's 13×13 3×3 expands
// (a 196 KB kernel row; the model took 2–4 % longer with them skipped).
const junkMinKernel = 128 << 10

// gemmPackedRuns is gemmPackedRow for the strided path
// (conv_stem_strided.go), whose products have one junk row per output
// row or fewer (1/29 at ResNet-18's 56→28, 1/15 at 28→14): with
// stridedRuns it always multiplies the runs of seg output pixels alone
// (sgemm.GemmPackedRows), so a run of 14 or 28 pixels is one or two
// 14-row pair tiles (sgemm's packed_pair.go: half the reads of the kernel
// per multiply-add of the 12-row tiles) and the junk row is not computed.
// Every row it computes is bit for bit GemmPacked's.
func gemmPackedRuns(m, j0, j1 int, a []float32, lda int, packs []*sgemm.Packed, u int, beta float32, c []float32, ldc, seg, stride int) {
	if !prefetchNext || !stridedRuns || seg >= stride || seg >= m {
		gemmPackedRow(m, j0, j1, a, lda, packs, u, beta, c, ldc, seg, stride)
		return
	}
	var next *sgemm.Packed
	if u+1 < len(packs) {
		next = packs[u+1]
	}
	sgemm.GemmPackedRows(m, j0, j1, 1, a, lda, packs[u], beta, c, ldc, next, seg, stride)
}

// stridedRuns enables gemmPackedRuns' runs (benchmarks compare).
var stridedRuns = true

// prefetchNext and skipJunk enable gemmPackedRow's prefetches and junk
// skipping (benchmarks turn them off to compare).
var prefetchNext, skipJunk = true, true

// packStrided reports whether an inference call on the strided path
// (conv_stem_strided.go) multiplies with packed kernels although nn/sgemm
// would not pack them (four panels: 128 filters): the packed products
// take the micro-kernels that prefetch B. ResNet-18's 56→28 3×3/2
// convolution took 5–10 % less CPU time inside the network on one core
// (BenchmarkResNet18AB, RESNET_AB=pack4).
func (c *Conv2D) packStrided() bool {
	return packAt4 && c.filters == 4*sgemm.PanelWidth() && c.stridedOK()
}

// packAt4 enables packStrided (benchmarks turn it off to compare).
var packAt4 = true
