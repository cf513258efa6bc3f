package nn

import "time"

// How Conv2D divides a pass into work items, and its options for graphs.

// splitColumns, for a forward pass with few output pixels (the deep layers
// of a network on one image), makes each work item one whole sample and a
// block of output channels instead: the kernel, not the image, is then the
// large operand, and row blocks would each read (and the GEMM pack) all of
// it, where column blocks share it out. Blocks are multiples of 32 columns
// (the GEMM micro-kernel's width), colItems per worker: with two each
// (blocks of at least 64 columns, as until session 6) a core that ran
// slower, or started late, kept the other waiting for up to half of its
// share; with four (blocks of at least 32) the last items even it out.
// ResNet-18 on 2 cores, Predict, 4 alternating runs of 40 passes each at
// load 20 (boosted): 17.2 / 19.2 / 17.4 / 17.3 against 19.3 / 19.9 / 19.6
// / 17.9 ms wall, CPU time level (BENCHMARKS.md, branch perfres3). The
// outputs are bit for bit the same (TestColumnItemsMatch).
//
// Only when it pays: with several workers (one worker reads the whole
// kernel either way), and when the kernel (K×filters) is at least as large
// as the patches (pixels×K), i.e. filters ≥ pixels. Otherwise every block
// reads all the patches for a share of a kernel that stays in cache anyway:
// ResNet-18's 56→28 3×3/2 convolution (784 pixels, 128 filters) took 1.43
// CPU ms in two column blocks on one core, 1.03 in row blocks. On the
// im2col path the blocks share one patch matrix (split_im2col.go).
//
// A single image whose convolution takes less than parallelMinWork on one
// core is one work item: the caller computes it alone.
func (c *Conv2D) splitColumns(n int) {
	colMin := 64
	if colItems > 2 {
		colMin = 32
	}
	if n == 1 && c.forwardWork() < parallelMinWork {
		c.rows, c.blocks, c.cb, c.cw = c.g.oh, 1, 1, c.filters
		return
	}
	w := c.eng.workers()
	pixels := n * c.g.oh * c.g.ow
	if w == 1 || pixels > 1024 || c.filters < max(128, pixels) || c.act == actSoftmax || c.depthwise || c.grouped || n >= 2*w {
		return
	}
	per := (colItems*w + n - 1) / n // blocks per sample
	cw := max(colMin, ((c.filters+per-1)/per+31)/32*32)
	c.rows, c.blocks = c.g.oh, 1
	c.cb, c.cw = (c.filters+cw-1)/cw, cw
}

// colItems is the number of column blocks per worker splitColumns aims
// for (benchmarks compare 2, 4 and 8).
var colItems = 4

// skipWeightGrads makes Backward compute only the input gradient (the
// kernel's and bias' gradients are then meaningless) until called with
// false: Graph.BackwardWith's SkipWeights.
func (c *Conv2D) skipWeightGrads(skip bool) { c.noWeightGrads = skip }

// effKH is the kernel's height in input rows, dilation included.
func (c *Conv2D) effKH() int { return (c.g.kh-1)*c.g.dh + 1 }

// Single-core throughput of the forward paths, in multiply-adds per
// nanosecond, measured with BenchmarkMobileLayers (2026-11-29, Xeon with
// AVX-512): GEMM-bound convolutions ≈ 70, the memory-bound depthwise kernel
// ≈ 15.
const (
	gemmMACsPerNs      = 70
	depthwiseMACsPerNs = 15
)

// forwardWork estimates the single-core time of one sample's forward pass.
func (c *Conv2D) forwardWork() time.Duration {
	macs := c.g.oh * c.g.ow * c.filters * c.k
	if c.depthwise {
		return time.Duration(macs / depthwiseMACsPerNs)
	}
	return time.Duration(macs / gemmMACsPerNs)
}
