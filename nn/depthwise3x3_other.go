//go:build !amd64 || purego

package nn

func dw3x3RowAVX2(y, x0, x1, x2, k, b *float32, n, c, sx int, lo, hi float32) {
	panic("nn: no SIMD")
}
