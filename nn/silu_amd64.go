//go:build amd64 && !purego

package nn

// siluAVX2 is silu for n values, n % 8 == 0, with AVX2 and FMA (silu_amd64.s).
//
//go:noescape
func siluAVX2(y, x *float32, n int)

// hardSwishAVX2 is hardSwish for n values, n % 8 == 0 (silu_amd64.s).
//
//go:noescape
func hardSwishAVX2(y, x *float32, n int)

// mulAVX2 is mul for n values, n % 8 == 0 (silu_amd64.s).
//
//go:noescape
func mulAVX2(dst, a, b *float32, n int)

// sigmoidAVX2 is sigmoidTo for n values, n % 8 == 0 (silu_amd64.s).
//
//go:noescape
func sigmoidAVX2(y, x *float32, n int)
