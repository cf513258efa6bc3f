//go:build amd64 && !purego

package nn

// siluAVX512 is silu for any n, with AVX-512 (silu_avx512_amd64.s).
//
//go:noescape
func siluAVX512(y, x *float32, n int)
