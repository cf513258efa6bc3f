//go:build !amd64 || purego

package nn

// useAVX512 is false: the AVX-512 loops exist on amd64 only.
var useAVX512 = false

func dw3x3RowAVX512(y, x0, x1, x2, k, b *float32, n, c, sx int, lo, hi float32) {
	panic("nn: dw3x3RowAVX512 without AVX-512")
}

func dw5x5RowAVX512(y, x0, x1, x2, x3, x4, k, b *float32, n, c, sx int, lo, hi float32) {
	panic("nn: dw5x5RowAVX512 without AVX-512")
}
