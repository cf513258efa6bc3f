//go:build !amd64 || purego

package nn

func maxIntoAVX2(dst, src *float32, n int) { panic("nn: no SIMD") }

func mulAddAVX2(dst, a, b *float32, n int) { panic("nn: no SIMD") }

func clampAVX2(v *float32, n int, lo, hi float32) { panic("nn: no SIMD") }

func mulAdd3AVX2(dst, a, b *float32, n, as, bs int) { panic("nn: no SIMD") }
