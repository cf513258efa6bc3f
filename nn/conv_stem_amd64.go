//go:build amd64 && !purego

package nn

//go:generate go run ./_stemasm -out conv_stem_amd64.s

import "github.com/convscope/convscope/nn/sgemm"

// useStemAVX512 says stemTilesAVX512 can run: the CPU has AVX-512F and
// the operating system saves the zmm and mask registers, which nn/sgemm
// checks before it picks its AVX-512 micro-kernel.
var useStemAVX512 = sgemm.Kernel() == "avx512"

// stemTilesAVX512 is stemTilesGo with AVX-512 for v·16 channels and p
// pixels per tile, (v, p) one of stemShape's (conv_stem_amd64.s); the
// caller checks the bounds.
func stemTilesAVX512(v int, y *float32, ldy int, x *float32, sx, ldx int, k *float32, ldk, kh, taps int, bias *float32, n int, lo, hi float32) {
	switch v {
	case 4:
		stemTiles4x6(y, ldy, x, sx, ldx, k, ldk, kh, taps, bias, n, lo, hi)
	case 2:
		stemTiles2x12(y, ldy, x, sx, ldx, k, ldk, kh, taps, bias, n, lo, hi)
	default:
		stemTiles1x12(y, ldy, x, sx, ldx, k, ldk, kh, taps, bias, n, lo, hi)
	}
}

//go:noescape
func stemTiles4x6(y *float32, ldy int, x *float32, sx, ldx int, k *float32, ldk, kh, taps int, bias *float32, n int, lo, hi float32)

//go:noescape
func stemTiles2x12(y *float32, ldy int, x *float32, sx, ldx int, k *float32, ldk, kh, taps int, bias *float32, n int, lo, hi float32)

//go:noescape
func stemTiles1x12(y *float32, ldy int, x *float32, sx, ldx int, k *float32, ldk, kh, taps int, bias *float32, n int, lo, hi float32)
