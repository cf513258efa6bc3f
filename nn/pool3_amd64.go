//go:build amd64 && !purego

package nn

// maxPool3AVX2 pools n output pixels of one row with a 3×3 window (pool3.go):
// y[p·c + k] is the maximum of x_r[p·step + j·c + k] over the rows r = x0,
// x1, x2 and the columns j = 0, 1, 2, folded in that (row-major) order as
// maxInto does (c % 8 == 0; pool3_amd64.s).
//
//go:noescape
func maxPool3AVX2(y, x0, x1, x2 *float32, n, c, step int)
