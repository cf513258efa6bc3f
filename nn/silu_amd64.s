//go:build amd64 && !purego

#include "textflag.h"

// Constants of siluAVX2 (float32 bit patterns; expf's in silu_exp.go).
DATA siluC<>+0(SB)/4, $0x42b00000  // 88.0: above it e^t is taken as +Inf
DATA siluC<>+4(SB)/4, $0xc2aeac50  // -87.3365448: below it e^t ≈ 0
DATA siluC<>+8(SB)/4, $0x3fb8aa3b  // log2(e)
DATA siluC<>+12(SB)/4, $0x3f000000 // 0.5
DATA siluC<>+16(SB)/4, $0x3f318000 // ln2Hi 0.693359375
DATA siluC<>+20(SB)/4, $0xb95e8083 // ln2Lo -2.12194440e-4
DATA siluC<>+24(SB)/4, $0x3f800000 // 1
DATA siluC<>+28(SB)/4, $0x7f800000 // +Inf
DATA siluC<>+32(SB)/4, $0x39506967 // p0 1.9875691500e-4
DATA siluC<>+36(SB)/4, $0x3ab743ce // p1 1.3981999507e-3
DATA siluC<>+40(SB)/4, $0x3c088908 // p2 8.3334519073e-3
DATA siluC<>+44(SB)/4, $0x3d2aa9c1 // p3 4.1665795894e-2
DATA siluC<>+48(SB)/4, $0x3e2aaaaa // p4 1.6666665459e-1
DATA siluC<>+52(SB)/4, $0x3f000000 // p5 5.0000001201e-1
DATA siluC<>+56(SB)/4, $127        // the float32 exponent bias
GLOBL siluC<>(SB), RODATA|NOPTR, $60

// SIGMOID_SETUP loads the arguments (y, x *float32, n int) of siluAVX2 and
// sigmoidAVX2 (DI = y, SI = x, CX = n·4 bytes, AX = 0) and the constants
// ONE_PLUS_EXP_NEG needs: Y15 = 88, Y14 = -87.34, Y13 = log2 e, Y12 = 1/2,
// Y11 = ln2Hi, Y10 = ln2Lo, Y9 = 1, Y8 = +Inf, Y7 = 127 (int32), Y6 = 0.
#define SIGMOID_SETUP \
	MOVQ         y+0(FP), DI; \
	MOVQ         x+8(FP), SI; \
	MOVQ         n+16(FP), CX; \
	SHLQ         $2, CX; \
	XORQ         AX, AX; \
	VBROADCASTSS siluC<>+0(SB), Y15; \
	VBROADCASTSS siluC<>+4(SB), Y14; \
	VBROADCASTSS siluC<>+8(SB), Y13; \
	VBROADCASTSS siluC<>+12(SB), Y12; \
	VBROADCASTSS siluC<>+16(SB), Y11; \
	VBROADCASTSS siluC<>+20(SB), Y10; \
	VBROADCASTSS siluC<>+24(SB), Y9; \
	VBROADCASTSS siluC<>+28(SB), Y8; \
	VPBROADCASTD siluC<>+56(SB), Y7; \
	VXORPS       Y6, Y6, Y6

// ONE_PLUS_EXP_NEG sets Y3 = 1 + e^t for t = -x, x the eight values in Y0
// (kept), with SIGMOID_SETUP's constants; it uses Y1, Y2, Y4 and Y5.
// e^t as expf computes it:
//
//	Y4 = t > 88 (false for NaN)
//	t = max(min(t, 88), -87.34) (a NaN t stays NaN: VMINPS returns its second source)
//	n = floor(t·log2e + 1/2)
//	r = t - n·ln2Hi - n·ln2Lo
//	2ⁿ from the exponent bits (n + 127) << 23, +Inf where Y4
//	z = r², p = ((((p0·r + p1)·r + p2)·r + p3)·r + p4)·r + p5
//	e^r = p·z + r + 1, e^t = e^r · 2ⁿ
#define ONE_PLUS_EXP_NEG \
	VSUBPS       Y0, Y6, Y1; \
	VCMPPS       $0x1e, Y15, Y1, Y4; \
	VMINPS       Y1, Y15, Y1; \
	VMAXPS       Y1, Y14, Y1; \
	VMOVAPS      Y12, Y2; \
	VFMADD231PS  Y13, Y1, Y2; \
	VROUNDPS     $1, Y2, Y2; \
	VFNMADD231PS Y11, Y2, Y1; \
	VFNMADD231PS Y10, Y2, Y1; \
	VCVTTPS2DQ   Y2, Y2; \
	VPADDD       Y7, Y2, Y2; \
	VPSLLD       $23, Y2, Y2; \
	VBLENDVPS    Y4, Y8, Y2, Y2; \
	VMULPS       Y1, Y1, Y4; \
	VBROADCASTSS siluC<>+32(SB), Y3; \
	VBROADCASTSS siluC<>+36(SB), Y5; \
	VFMADD213PS  Y5, Y1, Y3; \
	VBROADCASTSS siluC<>+40(SB), Y5; \
	VFMADD213PS  Y5, Y1, Y3; \
	VBROADCASTSS siluC<>+44(SB), Y5; \
	VFMADD213PS  Y5, Y1, Y3; \
	VBROADCASTSS siluC<>+48(SB), Y5; \
	VFMADD213PS  Y5, Y1, Y3; \
	VBROADCASTSS siluC<>+52(SB), Y5; \
	VFMADD213PS  Y5, Y1, Y3; \
	VFMADD213PS  Y1, Y4, Y3; \
	VADDPS       Y9, Y3, Y3; \
	VMULPS       Y2, Y3, Y3; \
	VADDPS       Y9, Y3, Y3

// func siluAVX2(y, x *float32, n int)
// y[i] = x[i] / (1 + e^(-x[i])) for n values (n % 8 == 0; y may be x):
// e^t as expf computes it (t clamped to [-87.34, 88], n = floor(t·log2 e
// + 1/2), r = t - n·ln 2 in two parts, the degree-7 polynomial, times 2ⁿ
// from the exponent bits), with FMA, and +Inf for t > 88 (σ = 0: -0 for
// finite x, NaN for -Inf as in PyTorch).
TEXT ·siluAVX2(SB), NOSPLIT, $0-24
	SIGMOID_SETUP

slLoop:
	CMPQ    AX, CX
	JAE     slDone
	VMOVUPS (SI)(AX*1), Y0 // x
	ONE_PLUS_EXP_NEG       // Y3 = 1 + e^(-x)
	VDIVPS  Y3, Y0, Y0     // x / (1 + e^(-x))
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     slLoop

slDone:
	VZEROUPPER
	RET

// func sigmoidAVX2(y, x *float32, n int)
// y[i] = 1 / (1 + e^(-x[i])) for n values (n % 8 == 0; y may be x), the
// loop of siluAVX2 with 1 for the numerator (σ = 0 for t > 88).
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-24
	SIGMOID_SETUP

sgLoop:
	CMPQ    AX, CX
	JAE     sgDone
	VMOVUPS (SI)(AX*1), Y0 // x
	ONE_PLUS_EXP_NEG       // Y3 = 1 + e^(-x)
	VDIVPS  Y3, Y9, Y0     // 1 / (1 + e^(-x))
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     sgLoop

sgDone:
	VZEROUPPER
	RET

// func hardSwishAVX2(y, x *float32, n int)
// y[i] = x[i]·min(max(x[i]/6 + 1/2, 0), 1) for n values (n % 8 == 0; y may
// be x), rounding as the Go loop of pointwise.go does (a division by 6,
// then the addition), so both give the same bits. A NaN stays NaN.
TEXT ·hardSwishAVX2(SB), NOSPLIT, $0-24
	MOVQ         y+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	SHLQ         $2, CX
	XORQ         AX, AX
	MOVL         $0x40c00000, DX // 6
	MOVL         DX, X15
	VBROADCASTSS X15, Y15
	VBROADCASTSS siluC<>+12(SB), Y14 // 0.5
	VBROADCASTSS siluC<>+24(SB), Y13 // 1
	VXORPS       Y12, Y12, Y12

hsLoop:
	CMPQ    AX, CX
	JAE     hsDone
	VMOVUPS (SI)(AX*1), Y0
	VDIVPS  Y15, Y0, Y1    // x/6
	VADDPS  Y14, Y1, Y1    // + 1/2
	VMAXPS  Y1, Y12, Y1    // max(…, 0); NaN x: Y1 NaN (second source)
	VMINPS  Y1, Y13, Y1    // min(…, 1)
	VMULPS  Y1, Y0, Y0     // x·…
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     hsLoop

hsDone:
	VZEROUPPER
	RET

// func mulAVX2(dst, a, b *float32, n int)
// dst[i] = a[i]·b[i] for n values (n % 8 == 0; dst may be a or b).
TEXT ·mulAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	SHLQ $2, CX
	XORQ AX, AX

muLoop:
	CMPQ    AX, CX
	JAE     muDone
	VMOVUPS (SI)(AX*1), Y0
	VMULPS  (DX)(AX*1), Y0, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     muLoop

muDone:
	VZEROUPPER
	RET
