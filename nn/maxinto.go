package nn

// MaxInto sets dst[i] = max(dst[i], src[i]) for every i < len(dst): a NaN
// in dst stays, a NaN in src never wins (v > d picks v), with AVX2 when
// len(dst) is a multiple of 8. It is the max-pooling loop, exported for
// scans over channel maps (per-channel maxima of an HWC map are MaxInto
// over its rows). src must be at least as long as dst.
func MaxInto(dst, src []float32) { maxInto(dst, src) }
