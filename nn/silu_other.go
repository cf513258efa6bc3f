//go:build !amd64 || purego

package nn

func siluAVX2(y, x *float32, n int) { panic("nn: no SIMD") }

func hardSwishAVX2(y, x *float32, n int) { panic("nn: no SIMD") }

func mulAVX2(dst, a, b *float32, n int) { panic("nn: no SIMD") }

func sigmoidAVX2(y, x *float32, n int) { panic("nn: no SIMD") }
