//go:build !amd64 || purego

package nn

func maxPool3AVX2(y, x0, x1, x2 *float32, n, c, step int) { panic("nn: no SIMD") }
