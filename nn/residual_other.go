//go:build !amd64 || purego

package nn

func addClampAVX2(sum, out, a, b *float32, n int, lo, hi float32) { panic("nn: no SIMD") }
