//go:build amd64 && !purego

#include "textflag.h"

// func maxIntoAVX2(dst, src *float32, n int)
// dst[i] = src[i] > dst[i] ? src[i] : dst[i] for n values (n % 8 == 0),
// as maxIntoGo: VMAXPS returns its second source operand (dst) when either
// is NaN.
TEXT ·maxIntoAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHLQ $2, CX
	XORQ AX, AX

miLoop:
	CMPQ    AX, CX
	JAE     miDone
	VMOVUPS (DI)(AX*1), Y0
	VMOVUPS (SI)(AX*1), Y1
	VMAXPS  Y0, Y1, Y0     // src > dst ? src : dst
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     miLoop

miDone:
	VZEROUPPER
	RET

// func mulAddAVX2(dst, a, b *float32, n int)
// dst[i] += a[i]·b[i] for n values (n % 8 == 0), with FMA (one rounding,
// where mulAddGo rounds the product and the sum).
TEXT ·mulAddAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	SHLQ $2, CX
	XORQ AX, AX

maLoop:
	CMPQ        AX, CX
	JAE         maDone
	VMOVUPS     (SI)(AX*1), Y0
	VMOVUPS     (DI)(AX*1), Y1
	VFMADD231PS (DX)(AX*1), Y0, Y1 // dst += a·b
	VMOVUPS     Y1, (DI)(AX*1)
	ADDQ        $32, AX
	JMP         maLoop

maDone:
	VZEROUPPER
	RET
