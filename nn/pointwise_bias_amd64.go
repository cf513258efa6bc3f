//go:build amd64 && !purego

package nn

// biasClampAVX2 is biasClamp for n values in rows of c (n % c == 0,
// c % 8 == 0), pointwise_bias_amd64.s.
//
//go:noescape
func biasClampAVX2(dst, src, bias *float32, n, c int, lo, hi float32)

// clampToAVX2 is clampTo for n values (n % 8 == 0).
//
//go:noescape
func clampToAVX2(dst, src *float32, n int, lo, hi float32)
