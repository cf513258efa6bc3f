//go:build amd64 && !purego

package nn

// dw3x3RowAVX2 is dw3x3Row for c % 8 == 0 and n > 0, with FMA
// (depthwise3x3_amd64.s).
//
//go:noescape
func dw3x3RowAVX2(y, x0, x1, x2, k, b *float32, n, c, sx int, lo, hi float32)
