//go:build !amd64 || purego

package nn

func biasClampAVX2(dst, src, bias *float32, n, c int, lo, hi float32) { panic("nn: no SIMD") }

func clampToAVX2(dst, src *float32, n int, lo, hi float32) { panic("nn: no SIMD") }
