//go:build amd64 && !purego

package nn

import "github.com/convscope/convscope/nn/sgemm"

// useStemAVX512 says stemTilesAVX512 can run: the CPU has AVX-512F and
// the operating system saves the zmm and mask registers, which nn/sgemm
// checks before it picks its AVX-512 micro-kernel.
var useStemAVX512 = sgemm.Kernel() == "avx512"

// stemTilesAVX512 is stemTilesGo with AVX-512 (conv_stem_amd64.s); the
// caller checks the bounds.
//
//go:noescape
func stemTilesAVX512(y *float32, ldy int, x *float32, sx, ldx int, k *float32, ldk, kh, taps int, bias *float32, n int, lo, hi float32)
