package nn

import (
	"os"

	"github.com/convscope/convscope/nn/sgemm"
)

// GEMMBackend names the float32 matrix multiply behind gonum's blas32 that
// the layers use: "sgemm/<kernel>" (nn/sgemm's packed, register-blocked
// Sgemm; kernel avx512, avx2 or go) by default, or "gonum" when the
// environment variable CONVSCOPE_GEMM=gonum selects gonum's own Sgemm (for
// comparisons). Any other implementation can still be installed with
// blas32.Use after this package is initialised.
var GEMMBackend = "gonum"

func init() {
	if os.Getenv("CONVSCOPE_GEMM") != "gonum" {
		sgemm.Use()
		GEMMBackend = "sgemm/" + sgemm.Kernel()
	}
}
