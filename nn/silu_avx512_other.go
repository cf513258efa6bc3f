//go:build !amd64 || purego

package nn

func siluAVX512(y, x *float32, n int) { panic("nn: siluAVX512 without AVX-512") }
