//go:build amd64 && !purego

#include "textflag.h"

// func maxPool3AVX2(y, x0, x1, x2 *float32, n, c, step int)
// For n output pixels of c channels (c % 8 == 0): Y0 starts as the
// window's first input and takes VMAXPS with each later one in row-major
// order (x0's three columns, x1's, x2's). VMAXPS Y0, Y1, Y0 is
// Y1 > Y0 ? Y1 : Y0, returning Y0 when either is NaN, as maxIntoAVX2:
// a NaN first input stays, a later NaN never wins, ties keep the first.
// Each pixel's inputs start step values after the previous pixel's.
TEXT ·maxPool3AVX2(SB), NOSPLIT, $0-56
	MOVQ y+0(FP), DI
	MOVQ x0+8(FP), SI
	MOVQ x1+16(FP), R8
	MOVQ x2+24(FP), R9
	MOVQ n+32(FP), CX
	MOVQ c+40(FP), DX
	SHLQ $2, DX
	MOVQ step+48(FP), BX
	SHLQ $2, BX

mpPixel:
	TESTQ CX, CX
	JZ    mpDone
	XORQ  AX, AX

mpChan:
	CMPQ    AX, DX
	JAE     mpNext
	LEAQ    (SI)(AX*1), R10
	VMOVUPS (R10), Y0
	VMOVUPS (R10)(DX*1), Y1
	VMAXPS  Y0, Y1, Y0
	VMOVUPS (R10)(DX*2), Y1
	VMAXPS  Y0, Y1, Y0
	LEAQ    (R8)(AX*1), R10
	VMOVUPS (R10), Y1
	VMAXPS  Y0, Y1, Y0
	VMOVUPS (R10)(DX*1), Y1
	VMAXPS  Y0, Y1, Y0
	VMOVUPS (R10)(DX*2), Y1
	VMAXPS  Y0, Y1, Y0
	LEAQ    (R9)(AX*1), R10
	VMOVUPS (R10), Y1
	VMAXPS  Y0, Y1, Y0
	VMOVUPS (R10)(DX*1), Y1
	VMAXPS  Y0, Y1, Y0
	VMOVUPS (R10)(DX*2), Y1
	VMAXPS  Y0, Y1, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     mpChan

mpNext:
	ADDQ DX, DI
	ADDQ BX, SI
	ADDQ BX, R8
	ADDQ BX, R9
	DECQ CX
	JMP  mpPixel

mpDone:
	VZEROUPPER
	RET
