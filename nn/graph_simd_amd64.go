//go:build amd64 && !purego

package nn

// maxIntoAVX2 is maxInto for n values, n % 8 == 0 (graph_simd_amd64.s).
//
//go:noescape
func maxIntoAVX2(dst, src *float32, n int)

// mulAddAVX2 is mulAdd for n values, n % 8 == 0, with FMA.
//
//go:noescape
func mulAddAVX2(dst, a, b *float32, n int)

// clampAVX2 is clamp for n values, n % 8 == 0.
//
//go:noescape
func clampAVX2(v *float32, n int, lo, hi float32)

// mulAdd3AVX2 is three mulAdd calls in one pass over dst: dst += a⊙b,
// then += a[as:]⊙b[bs:], then += a[2as:]⊙b[2bs:] (n values, n % 8 == 0).
//
//go:noescape
func mulAdd3AVX2(dst, a, b *float32, n, as, bs int)
