//go:build amd64 && !purego

package nn

// addClampAVX2 is addClamp for n values (n % 8 == 0), residual_amd64.s.
//
//go:noescape
func addClampAVX2(sum, out, a, b *float32, n int, lo, hi float32)
