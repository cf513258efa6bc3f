package nn

import (
	"fmt"
	"runtime"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/convscope/convscope/nn/sgemm"
)

// Engine chooses how layers compute: the float32 BLAS their matrix products
// call and the number of goroutines their parallel loops use. A model
// carries its own Engine (Sequential.SetEngine), so two models in one
// program can differ, and nothing here reads or changes gonum's global
// blas32 implementation (blas32.Use) or the environment.
//
// The zero value is the default: nn/sgemm's packed, register-blocked Sgemm
// (AVX-512, AVX2 or Go micro-kernel, see sgemm.Kernel) and GOMAXPROCS
// workers.
type Engine struct {
	// BLAS computes the matrix products (Sgemm, Sgemv). nil selects
	// sgemm.Implementation. Any other blas.Float32, such as gonum's
	// gonum.Implementation{} for comparisons, also works; convolutions then
	// take the im2col path, because the direct path needs nn/sgemm's
	// GemmOverlap.
	BLAS blas.Float32
	// Workers is the number of goroutines a layer's parallel loop uses,
	// the caller's included. 0 means runtime.GOMAXPROCS(0) at the time of
	// the call; 1 runs everything on the calling goroutine.
	Workers int
	// PackWeights makes inference passes (Forward with training false)
	// multiply with convolution kernels packed once into nn/sgemm's panel
	// layout (sgemm.Pack) instead of packing them on every call: faster
	// single-image inference for the price of a second copy of those
	// kernels. The copy is dropped by Backward, Init, CopyWeightsFrom and
	// loading weights; code that writes a Param's Value directly must call
	// the model's WeightsChanged. Off by default.
	PackWeights bool

	// opts are knobs for tests (the zero value is what users get).
	opts engineOptions
}

// engineOptions are the test knobs of an Engine.
type engineOptions struct {
	// convBlockPixels is the target number of output pixels per Conv2D
	// work item; 0 means defaultConvBlockPixels.
	convBlockPixels int
	// convDirectOff disables Conv2D's direct path (tests compare paths).
	convDirectOff bool
	// fuseOff disables conv + pool fusion in Sequential.
	fuseOff bool
	// convStackOff disables stacked kernel rows in Conv2D's direct path.
	convStackOff bool
	// winogradOff disables Conv2D's Winograd path (tests compare paths).
	winogradOff bool
	// winogradF4 lets the Winograd path take F(4×4, 3×3) (winograd.go).
	winogradF4 bool
	// stemOff disables Conv2D's stem kernel and strided path
	// (conv_stem.go); stemGo runs the stem kernel's Go tiles.
	stemOff, stemGo bool
	// pool3Off disables max pooling's 3×3 path (pool3.go).
	pool3Off bool
	// strided1x1Off disables Conv2D's 1×1 strided path (conv_stem_1x1.go).
	strided1x1Off bool
}

// defaultConvBlockPixels is about how many output pixels one Conv2D work
// item computes: big enough for an efficient GEMM, small enough for the
// patches to stay in cache.
const defaultConvBlockPixels = 256

// GEMM names the matrix multiply in use: "sgemm/<kernel>" for nn/sgemm
// (kernel avx512, avx2 or go), "gonum" for gonum's own implementation, or
// the Go type of any other blas.Float32.
func (e Engine) GEMM() string {
	switch b := e.BLAS.(type) {
	case nil, sgemm.Implementation, *sgemm.Implementation:
		return "sgemm/" + sgemm.Kernel()
	case gonum.Implementation, *gonum.Implementation:
		return "gonum"
	default:
		return fmt.Sprintf("%T", b)
	}
}

// workers returns the number of goroutines for a parallel loop (at least 1).
func (e *Engine) workers() int {
	if e.Workers > 0 {
		return e.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// blockPixels returns the Conv2D work-item size in output pixels.
func (e *Engine) blockPixels() int {
	if e.opts.convBlockPixels > 0 {
		return e.opts.convBlockPixels
	}
	return defaultConvBlockPixels
}

// sgemm reports whether the products run on nn/sgemm (whose GemmOverlap
// the direct convolution path calls).
func (e *Engine) sgemm() bool {
	switch e.BLAS.(type) {
	case nil, sgemm.Implementation, *sgemm.Implementation:
		return true
	}
	return false
}

// gemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices with
// the engine's BLAS. op(A) is m×k, op(B) is k×n; lda, ldb, ldc are row
// strides of the stored matrices (A is stored k×m when transA).
func (e *Engine) gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	if e.BLAS == nil {
		sgemm.Implementation{}.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	e.BLAS.Sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemv computes y = alpha·op(A)·x + beta·y for a row-major A of r×c
// (stride lda); op(A) = Aᵀ when transA. For a single sample a
// matrix-vector product streams the weights once, where a GEMM would first
// copy (pack) them.
func (e *Engine) gemv(transA bool, r, c int, alpha float32, a []float32, lda int, x []float32, beta float32, y []float32) {
	t := blas.NoTrans
	if transA {
		t = blas.Trans
	}
	if e.BLAS == nil {
		sgemm.Implementation{}.Sgemv(t, r, c, alpha, a, lda, x, 1, beta, y, 1)
		return
	}
	e.BLAS.Sgemv(t, r, c, alpha, a, lda, x, 1, beta, y, 1)
}

// engineUser is implemented by layers and optimizers that compute with an
// Engine; Sequential.SetEngine and Trainer hand theirs down.
type engineUser interface {
	setEngine(e Engine)
}

// SetEngine makes every layer of m compute with e (see Engine); the zero
// Engine is the default. Call it between passes, not during one.
func (m *Sequential) SetEngine(e Engine) {
	m.eng = e
	for _, l := range m.layers {
		if u, ok := l.(engineUser); ok {
			u.setEngine(e)
		}
	}
	if m.g != nil {
		m.g.SetEngine(e) // its fusion plan depends on the engine
	}
}

// Engine returns the Engine m computes with.
func (m *Sequential) Engine() Engine { return m.eng }
