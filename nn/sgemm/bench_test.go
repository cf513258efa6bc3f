package sgemm

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// benchShapes are the products of the reference model, M×K×N with
// C = op(A)·op(B) + beta·C. The "blk" shapes are those the nn layers issue
// today: conv layers work on blocks of about 256 output pixels (whole output
// rows, P×K im2col patches) with the forward product cols·W (NN), the weight
// gradient colsᵀ·dz accumulated with beta 1 (TN) and the input gradient
// dz·Wᵀ (NT); the dense layer at batch 20 splits its 512 units into four
// column blocks of 128, so its leading dimensions exceed the widths. The
// other shapes are whole samples (and, "half", the forward pass split into
// two row blocks).
var benchShapes = []struct {
	name          string
	tA, tB        blas.Transpose
	m, k, n       int
	lda, ldb, ldc int // 0: as narrow as the matrix
	beta          float32
}{
	{name: "conv1_fwd_blk", m: 444, k: 27, n: 32},
	{name: "conv2_fwd_blk", m: 216, k: 288, n: 64},
	{name: "conv3_fwd_blk", m: 238, k: 576, n: 128},
	{name: "conv4_fwd_blk", m: 225, k: 1152, n: 128},
	{name: "conv1_dW_blk", tA: blas.Trans, m: 27, k: 444, n: 32, beta: 1},
	{name: "conv2_dW_blk", tA: blas.Trans, m: 288, k: 216, n: 64, beta: 1},
	{name: "conv3_dW_blk", tA: blas.Trans, m: 576, k: 238, n: 128, beta: 1},
	{name: "conv4_dW_blk", tA: blas.Trans, m: 1152, k: 225, n: 128, beta: 1},
	{name: "conv2_dx_blk", tB: blas.Trans, m: 216, k: 64, n: 288},
	{name: "conv3_dx_blk", tB: blas.Trans, m: 238, k: 128, n: 576},
	{name: "conv4_dx_blk", tB: blas.Trans, m: 225, k: 128, n: 1152},
	{name: "dense1_fwd_blk", m: 20, k: 6272, n: 128, ldb: 512, ldc: 512},
	{name: "dense1_dW_blk", tA: blas.Trans, m: 6272, k: 20, n: 128, ldb: 512, ldc: 512},
	{name: "dense1_dx_blk", tB: blas.Trans, m: 20, k: 512, n: 1568, ldb: 512, ldc: 6272},

	{name: "conv1_fwd", m: 21904, k: 27, n: 32},
	{name: "conv2_fwd", m: 5184, k: 288, n: 64},
	{name: "conv3_fwd", m: 1156, k: 576, n: 128},
	{name: "conv4_fwd", m: 225, k: 1152, n: 128},
	{name: "conv2_fwd_half", m: 2592, k: 288, n: 64},
	{name: "conv3_fwd_half", m: 578, k: 576, n: 128},
	{name: "conv4_fwd_half", m: 113, k: 1152, n: 128},
	{name: "conv1_dW", tA: blas.Trans, m: 27, k: 21904, n: 32},
	{name: "conv2_dW", tA: blas.Trans, m: 288, k: 5184, n: 64},
	{name: "conv3_dW", tA: blas.Trans, m: 576, k: 1156, n: 128},
	{name: "conv4_dW", tA: blas.Trans, m: 1152, k: 225, n: 128},
	{name: "conv2_dx", tB: blas.Trans, m: 5184, k: 64, n: 288},
	{name: "conv3_dx", tB: blas.Trans, m: 1156, k: 128, n: 576},
	{name: "conv4_dx", tB: blas.Trans, m: 225, k: 128, n: 1152},
	{name: "dense1_fwd", m: 20, k: 6272, n: 512},
	{name: "dense1_dW", tA: blas.Trans, m: 6272, k: 20, n: 512},
	{name: "dense1_dx", tB: blas.Trans, m: 20, k: 512, n: 6272},
}

// BenchmarkSgemm measures this package's Sgemm and gonum's native one on the
// same shapes and reports GFLOP/s. gonum's Sgemm spreads large products over
// GOMAXPROCS goroutines; ours runs on one. On Linux, GFLOP/s-cpu divides by the CPU time of the process
// instead of wall time: it is the throughput per core, and it stays
// comparable on a busy machine.
func BenchmarkSgemm(b *testing.B) {
	impls := []struct {
		name string
		impl sgemmer
	}{{"sgemm", Implementation{}}, {"gonum", gonum.Implementation{}}}
	// The slower assembly kernels of this CPU, as on CPUs without the best.
	for _, k := range kernels()[1:] {
		if k.name != "go" {
			impls = append(impls, struct {
				name string
				impl sgemmer
			}{"sgemm-" + k.name, withKernelImpl{k}})
		}
	}
	for _, s := range benchShapes {
		tA, tB := s.tA, s.tB
		if tA == 0 {
			tA = blas.NoTrans
		}
		if tB == 0 {
			tB = blas.NoTrans
		}
		ar, ac, br, bc := s.m, s.k, s.k, s.n
		if tA != blas.NoTrans {
			ar, ac = ac, ar
		}
		if tB != blas.NoTrans {
			br, bc = bc, br
		}
		lda, ldb, ldc := max(s.lda, ac), max(s.ldb, bc), max(s.ldc, s.n)
		a, bm, c := make([]float32, ar*lda), make([]float32, br*ldb), make([]float32, s.m*ldc)
		for i := range a {
			a[i] = float32(i%7) - 3
		}
		for i := range bm {
			bm[i] = float32(i%5) - 2
		}
		for _, im := range impls {
			b.Run(fmt.Sprintf("%s/%s", s.name, im.name), func(b *testing.B) {
				// Warm up: fault in C's pages and fill the packing pool.
				im.impl.Sgemm(tA, tB, s.m, s.n, s.k, 1, a, lda, bm, ldb, s.beta, c, ldc)
				cpu0 := cpuTime()
				for b.Loop() {
					im.impl.Sgemm(tA, tB, s.m, s.n, s.k, 1, a, lda, bm, ldb, s.beta, c, ldc)
				}
				cpu := cpuTime() - cpu0
				flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				if cpu > 0 {
					// Per core, excluding time spent waiting for a CPU.
					b.ReportMetric(flops/cpu.Seconds()/1e9, "GFLOP/s-cpu")
				}
			})
		}
	}
}

// sgemmer is the part of blas.Float32 the benchmarks use.
type sgemmer interface {
	Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int)
}

// withKernelImpl is an Sgemm that runs the blocked driver with kern.
type withKernelImpl struct {
	kern kernel
}

func (w withKernelImpl) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	aT, bT := checkArgs(tA, tB, m, n, k, a, lda, b, ldb, c, ldc)
	gemm(w.kern, aT, bT, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}
