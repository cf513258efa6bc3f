package dataset

// The fast path's inverse DCT must give image/jpeg's pixel values exactly,
// so it performs the same fixed-point arithmetic as Go 1.26's image/jpeg
// (dct.go): a separable 8-point IDCT in the factorisation of Loeffler,
// Ligtenberg and Moschytz (1989), rows then columns, with the same
// constant precisions, shifts and rounding. Any other IDCT (libjpeg's
// jidctint, a float one) differs by ±1 on some pixels.
// TestFastIDCTMatchesImageJPEG checks it against image/jpeg on random and
// extreme coefficient blocks through real files.

// 60-bit fixed-point constants: ⌊½ + x·2⁶⁰⌋ (checked with mpmath).
const (
	fjCos1        = 1130768441178740757 // cos(π/16)
	fjSin1        = 224923827593068887  // sin(π/16)
	fjCos3        = 958619196450722178  // cos(3π/16)
	fjSin3        = 640528868967736374  // sin(3π/16)
	fjSqrt2Inv    = 815238614083298888  // 1/√2
	fjSqrt2InvCos = 311978311033955632  // cos(6π/16)/√2
	fjSqrt2InvSin = 753182269664427492  // sin(6π/16)/√2
)

// The constants rounded to b fractional bits: (x + 2^(59-b)) >> (60-b).
const (
	fjR18c6 = (fjSqrt2InvCos + 1<<41) >> 42 // 18 bits
	fjR18s6 = (fjSqrt2InvSin + 1<<41) >> 42
	fjR12c6 = (fjSqrt2InvCos + 1<<47) >> 48 // 12 bits
	fjR12s6 = (fjSqrt2InvSin + 1<<47) >> 48
	fjR8    = (fjSqrt2Inv + 1<<51) >> 52 // 8 bits
	fjR14   = (fjSqrt2Inv + 1<<45) >> 46 // 14 bits
	fjC3    = (fjCos3 + 1<<47) >> 48     // 12 bits
	fjS3    = (fjSin3 + 1<<47) >> 48
	fjC1    = (fjCos1 + 1<<47) >> 48
	fjS1    = (fjSin1 + 1<<47) >> 48
)

// fjRotate is the 3-multiply rotation y0 = a·kc + b·ks, y1 = b·kc − a·ks
// (with ks negated by the callers), in image/jpeg's operation order.
func fjRotate(a, b, kc, ks int32) (int32, int32) {
	t := kc * (a + b)
	return t + (ks-kc)*b, t - (kc+ks)*a
}

// fjIDCT transforms dequantised coefficients in natural order, in place,
// into level-shifted sample values (to be offset by 128 and clamped).
// Only the output columns set in cols are computed (the others are left
// half-transformed), and input rows not set in rows must be all zero: their
// row pass, all zeros in and out, is skipped. fjIDCT(b, 0xFF, 0xFF) is the
// whole transform.
func fjIDCT(b *[64]int32, rows, cols uint8) {
	for i := 0; i < 64; i += 8 {
		if rows&(1<<(i>>3)) == 0 {
			continue
		}
		r := b[i : i+8 : i+8]
		// Even half: coefficients 0, 4, 2, 6.
		e0, e1 := r[0]<<17, r[4]<<17
		e0, e1 = e0+e1, e0-e1
		e2, e3 := fjRotate(r[2], r[6], fjR18c6, -fjR18s6)
		e1, e2 = e1+e2, e1-e2
		e0, e3 = e0+e3, e0-e3
		// Odd half: coefficients 1, 7, 3, 5.
		o7, o4 := r[1]<<7, r[7]<<7
		o7, o4 = o7+o4, o7-o4
		o6, o5 := r[5]*fjR8, r[3]*fjR8
		o7, o5 = o7+o5, o7-o5
		o4, o6 = o4+o6, o4-o6
		o4, o7 = fjRotate(o4>>2, o7>>2, fjC3, -fjS3)
		o5, o6 = fjRotate(o5>>2, o6>>2, fjC1, -fjS1)
		r[0], r[7] = e0+o7, e0-o7
		r[1], r[6] = e1+o6, e1-o6
		r[2], r[5] = e2+o5, e2-o5
		r[3], r[4] = e3+o4, e3-o4
	}
	for i := range 8 {
		if cols&(1<<i) == 0 {
			continue
		}
		e0, e1 := b[i]+1<<19, b[32+i]
		e0, e1 = (e0+e1)>>2, (e0-e1)>>2
		e2, e3 := fjRotate(b[16+i]>>13, b[48+i]>>13, fjR12c6, -fjR12s6)
		e1, e2 = e1+e2, e1-e2
		e0, e3 = e0+e3, e0-e3
		o7, o4 := b[8+i], b[56+i]
		o7, o4 = o7+o4, o7-o4
		o5, o6 := (b[24+i]>>13)*fjR14, (b[40+i]>>13)*fjR14
		o7, o5 = o7+o5, o7-o5
		o4, o6 = o4+o6, o4-o6
		o4, o7 = fjRotate(o4>>14, o7>>14, fjC3, -fjS3)
		o5, o6 = fjRotate(o5>>14, o6>>14, fjC1, -fjS1)
		b[i], b[56+i] = (e0+o7)>>18, (e0-o7)>>18
		b[8+i], b[48+i] = (e1+o6)>>18, (e1-o6)>>18
		b[16+i], b[40+i] = (e2+o5)>>18, (e2-o5)>>18
		b[24+i], b[32+i] = (e3+o4)>>18, (e3-o4)>>18
	}
}

// fjSample is image/jpeg's level shift and clamp of one IDCT output.
func fjSample(c int32) uint8 {
	if c < -128 {
		return 0
	}
	if c > 127 {
		return 255
	}
	return uint8(c + 128)
}
