//go:build !amd64 || purego

package nn

// useSIMD is false: this build has no assembly loops, and the functions
// below are never called. A variable, as on amd64, so that tests which
// switch kernel levels (withKernelLevel) build with -tags purego too.
var useSIMD = false

func biasReLUAVX2(dst, src, bias *float32, n, c int)                         { panic("nn: no SIMD") }
func reluGradAVX2(dz, dy, y *float32, n int)                                 { panic("nn: no SIMD") }
func addRowsAVX2(dst, src *float32, n, c int)                                { panic("nn: no SIMD") }
func maxPool2AVX2(y, x0, x1 *float32, ow, c int)                             { panic("nn: no SIMD") }
func maxPool2BackAVX2(dx0, dx1, x0, x1, y, dy *float32, ow, c int)           { panic("nn: no SIMD") }
func rmspropAVX2(w, grad, v *float32, n int, lr, rho, rho1, eps float32)     { panic("nn: no SIMD") }
func axpyRowsAVX2(y, w, x *float32, rows, cols, ldw int)                     { panic("nn: no SIMD") }
func maxPool2CodesAVX2(y *float32, codes *uint8, x0, x1 *float32, ow, c int) { panic("nn: no SIMD") }
func maxPool2BackCodesAVX2(dx0, dx1, grad *float32, codes *uint8, ow, c int) { panic("nn: no SIMD") }
