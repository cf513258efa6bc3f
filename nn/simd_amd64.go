//go:build amd64 && !purego

package nn

import "github.com/convscope/convscope/nn/sgemm"

// useSIMD says the assembly loops of simd_amd64.s can run: the CPU has AVX2
// and the operating system saves the ymm registers, which nn/sgemm checks
// before it picks an AVX2 or AVX-512 micro-kernel.
var useSIMD = sgemm.Kernel() != "go"

// biasReLUAVX2 is biasReLU for n values in rows of c (n % c == 0, c % 8 == 0).
//
//go:noescape
func biasReLUAVX2(dst, src, bias *float32, n, c int)

// reluGradAVX2 is reluGrad for n values (n % 8 == 0).
//
//go:noescape
func reluGradAVX2(dz, dy, y *float32, n int)

// addRowsAVX2 is addRows for n values of src in rows of c (n % c == 0, c % 8 == 0).
//
//go:noescape
func addRowsAVX2(dst, src *float32, n, c int)

// maxPool2AVX2 is maxPool2 for ow output pixels of c channels (c % 8 == 0).
//
//go:noescape
func maxPool2AVX2(y, x0, x1 *float32, ow, c int)

// maxPool2BackAVX2 is maxPool2Back for ow output pixels of c channels (c % 8 == 0).
//
//go:noescape
func maxPool2BackAVX2(dx0, dx1, x0, x1, y, dy *float32, ow, c int)

// rmspropAVX2 is rmsprop for n values (n % 8 == 0); rho1 is 1-rho.
//
//go:noescape
func rmspropAVX2(w, grad, v *float32, n int, lr, rho, rho1, eps float32)

// axpyRowsAVX2 is axpyRows for cols % 8 == 0 (with FMA, which every CPU
// with nn/sgemm's assembly kernels has).
//
//go:noescape
func axpyRowsAVX2(y, w, x *float32, rows, cols, ldw int)

// maxPool2CodesAVX2 is maxPool2Codes for c % 8 == 0.
//
//go:noescape
func maxPool2CodesAVX2(y *float32, codes *uint8, x0, x1 *float32, ow, c int)

// maxPool2BackCodesAVX2 is maxPool2BackCodes for c % 8 == 0.
//
//go:noescape
func maxPool2BackCodesAVX2(dx0, dx1, grad *float32, codes *uint8, ow, c int)
