//go:build amd64 && !purego

package nn

// maxIntoAVX2 is maxInto for n values, n % 8 == 0 (maxinto_amd64.s).
//
//go:noescape
func maxIntoAVX2(dst, src *float32, n int)
