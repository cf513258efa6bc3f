package nn

// MaxRowsInto folds every row of src into dst: dst[i] = max(dst[i],
// src[q·c + i]) for each row q in order (c = len(dst); a trailing partial
// row of src is ignored), with maxInto's rule for NaN (a NaN in dst stays,
// one in src never wins). For an HWC map, src a run of positions and dst
// one value per channel, it gives the channels' maxima over the run in one
// call: with AVX2, when c is a multiple of 8, the running maxima stay in
// registers (32 channels at a time) instead of being loaded and stored
// for every position as a MaxInto per position would.
func MaxRowsInto(dst, src []float32) {
	c := len(dst)
	if c == 0 {
		return
	}
	rows := len(src) / c
	if rows == 0 {
		return
	}
	if useSIMD && c%8 == 0 {
		maxRowsAVX2(&dst[0], &src[0], c, rows)
		return
	}
	for q := range rows {
		maxIntoGo(dst, src[q*c:(q+1)*c])
	}
}
