//go:build !amd64 || purego

package nn

func maxRowsAVX2(dst, src *float32, c, rows int) { panic("nn: no SIMD") }
