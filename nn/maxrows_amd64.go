//go:build amd64 && !purego

package nn

// maxRowsAVX2 is MaxRowsInto for rows rows of c values, c % 8 == 0
// (maxrows_amd64.s).
//
//go:noescape
func maxRowsAVX2(dst, src *float32, c, rows int)
