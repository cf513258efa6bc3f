package sgemm

import (
	"fmt"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// benchShapes are the products of the reference model (per sample, batch 20
// for the dense layers), M×K×N with C = op(A)·op(B), as the nn layers issue
// them: conv forward as im2col (NN), the weight gradient colsᵀ·dy (TN), the
// input gradient dy·Wᵀ (NT), and the forward pass split into two row blocks
// as single-image inference does.
var benchShapes = []struct {
	name    string
	tA, tB  blas.Transpose
	m, k, n int
}{
	{"conv1_fwd", blas.NoTrans, blas.NoTrans, 21904, 27, 32},
	{"conv2_fwd", blas.NoTrans, blas.NoTrans, 5184, 288, 64},
	{"conv3_fwd", blas.NoTrans, blas.NoTrans, 1156, 576, 128},
	{"conv4_fwd", blas.NoTrans, blas.NoTrans, 225, 1152, 128},
	{"conv2_fwd_half", blas.NoTrans, blas.NoTrans, 2592, 288, 64},
	{"conv3_fwd_half", blas.NoTrans, blas.NoTrans, 578, 576, 128},
	{"conv4_fwd_half", blas.NoTrans, blas.NoTrans, 113, 1152, 128},
	{"conv1_dW", blas.Trans, blas.NoTrans, 27, 21904, 32},
	{"conv2_dW", blas.Trans, blas.NoTrans, 288, 5184, 64},
	{"conv3_dW", blas.Trans, blas.NoTrans, 576, 1156, 128},
	{"conv4_dW", blas.Trans, blas.NoTrans, 1152, 225, 128},
	{"conv2_dx", blas.NoTrans, blas.Trans, 5184, 64, 288},
	{"conv3_dx", blas.NoTrans, blas.Trans, 1156, 128, 576},
	{"conv4_dx", blas.NoTrans, blas.Trans, 225, 128, 1152},
	{"dense1_fwd", blas.NoTrans, blas.NoTrans, 20, 6272, 512},
	{"dense1_dW", blas.Trans, blas.NoTrans, 6272, 20, 512},
	{"dense1_dx", blas.NoTrans, blas.Trans, 20, 512, 6272},
}

// BenchmarkSgemm measures this package's Sgemm and gonum's native one on the
// same shapes and reports GFLOP/s. gonum's Sgemm spreads large products over
// GOMAXPROCS goroutines; ours runs on one (run with -cpu 1 to compare per
// core). On Linux, GFLOP/s-cpu divides by the CPU time of the benchmark's
// thread instead of wall time, which keeps numbers comparable on a busy
// machine; it is reported for this package's single-threaded Sgemm only.
func BenchmarkSgemm(b *testing.B) {
	impls := []struct {
		name string
		impl blas.Float32
	}{{"sgemm", Implementation{}}, {"gonum", gonum.Implementation{}}}
	for _, s := range benchShapes {
		lda, ldb := s.k, s.n
		if s.tA != blas.NoTrans {
			lda = s.m
		}
		if s.tB != blas.NoTrans {
			ldb = s.k
		}
		a, bm, c := make([]float32, s.m*s.k), make([]float32, s.k*s.n), make([]float32, s.m*s.n)
		for i := range a {
			a[i] = float32(i%7) - 3
		}
		for i := range bm {
			bm[i] = float32(i%5) - 2
		}
		for _, im := range impls {
			b.Run(fmt.Sprintf("%s/%s", s.name, im.name), func(b *testing.B) {
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				cpu0 := threadCPUTime()
				for b.Loop() {
					im.impl.Sgemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, bm, ldb, 0, c, s.n)
				}
				cpu := threadCPUTime() - cpu0
				flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
				b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				if cpu > 0 && im.name == "sgemm" {
					// Per core, excluding time the thread waited for the CPU.
					b.ReportMetric(flops/cpu.Seconds()/1e9, "GFLOP/s-cpu")
				}
			})
		}
	}
}
