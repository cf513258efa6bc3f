//go:build !amd64 || purego

package nn

func winoIn2AVX2(v *float32, ldv int, x *float32, ldx, cin, nc, n int) { panic("nn: no SIMD") }
func winoOut2AVX2(y *float32, ldy, pf int, m *float32, ldm, cw, nc int, bias *float32, n int, lo, hi float32) {
	panic("nn: no SIMD")
}

func winoIn4AVX2(v *float32, ldv int, x *float32, ldx, cin, nc, n int, tmp *float32) {
	panic("nn: no SIMD")
}
func winoOut4AVX2(y *float32, ldy, pf int, m *float32, ldm, cw, nc int, bias *float32, n int, lo, hi float32, tmp *float32) {
	panic("nn: no SIMD")
}
