package nn

// Winograd F(2×2, 3×3) at 13×13 and 14×14 outputs (49 tiles), below
// winoMinTiles, for kernels whose transformed copy stays in a core's L2:
// SqueezeNet's 13×13 expand layers (48→192 and 64→256: 0.6 and 1 MB) on
// two cores took 0.72× their direct path's time per node instead of 0.55×
// with one, because the padded direct path splits 13 output rows, the
// Winograd path 7 bands of tiles × blocks of filters; the pass took 4–9 %
// less wall time on two cores, 1 % less on one (BENCHMARKS.md, branch
// perfmob2). ResNet-18's 14×14 layers (256→256: 4 MB transformed) keep
// the direct path here.

// winoSmallTiles is the fewest tiles for kernels of at most winoSmallU
// transformed values (16·cin·filters).
var (
	winoSmallTiles = 49
	winoSmallU     = 1 << 18 // 1 MB of float32
)

// winoFewTilesOK reports whether a 3×3 convolution with tiles F(2×2)
// tiles per sample and kernel values (9·cin·filters) takes the Winograd
// path although tiles < winoMinTiles.
func winoFewTilesOK(tiles, kernel int) bool {
	return tiles >= winoSmallTiles && 16*kernel/9 <= winoSmallU
}
