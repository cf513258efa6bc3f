//go:build amd64 && !purego

package nn

import "github.com/convscope/convscope/nn/sgemm"

// useAVX512 says the AVX-512 loops (depthwise_avx512_amd64.s) can run: the
// CPU has AVX-512F and the operating system saves the zmm and opmask
// registers, which nn/sgemm checks before it picks its AVX-512 kernel.
var useAVX512 = sgemm.Kernel() == "avx512"

// dw3x3RowAVX512 is dw3x3Row for any c and n > 0, with AVX-512.
//
//go:noescape
func dw3x3RowAVX512(y, x0, x1, x2, k, b *float32, n, c, sx int, lo, hi float32)

// dw5x5RowAVX512 is dw5x5Row for any c and n > 0, with AVX-512.
//
//go:noescape
func dw5x5RowAVX512(y, x0, x1, x2, x3, x4, k, b *float32, n, c, sx int, lo, hi float32)
