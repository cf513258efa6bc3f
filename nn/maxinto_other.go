//go:build !amd64 || purego

package nn

func maxIntoAVX2(dst, src *float32, n int) { panic("nn: no SIMD") }
