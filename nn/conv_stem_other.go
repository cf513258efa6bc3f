//go:build !amd64 || purego

package nn

// useStemAVX512 is false without amd64 assembly: the stem kernel runs
// stemTilesGo when asked to (tests), and convolutions take their usual
// paths otherwise.
const useStemAVX512 = false

func stemTilesAVX512(v int, y *float32, ldy int, x *float32, sx, ldx int, k *float32, ldk, kh, taps int, bias *float32, n int, lo, hi float32) {
	panic("nn: no AVX-512")
}
