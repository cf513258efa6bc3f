//go:build amd64 && !purego

#include "textflag.h"

// func addClampAVX2(sum, out, a, b *float32, n int, lo, hi float32)
// sum = a + b and out = min(max(sum, lo), hi) for n values (n % 8 == 0),
// eight at a time; VMAXPS/VMINPS return their second source (the sum) when
// either is NaN, so a NaN stays NaN, as in clampToAVX2.
TEXT ·addClampAVX2(SB), NOSPLIT, $0-48
	MOVQ         sum+0(FP), DI
	MOVQ         out+8(FP), R8
	MOVQ         a+16(FP), SI
	MOVQ         b+24(FP), DX
	MOVQ         n+32(FP), CX
	VBROADCASTSS lo+40(FP), Y14
	VBROADCASTSS hi+44(FP), Y15
	SHLQ         $2, CX
	XORQ         AX, AX

acLoop:
	CMPQ    AX, CX
	JAE     acDone
	VMOVUPS (SI)(AX*1), Y0
	VADDPS  (DX)(AX*1), Y0, Y0
	VMOVUPS Y0, (DI)(AX*1)
	VMAXPS  Y0, Y14, Y0
	VMINPS  Y0, Y15, Y0
	VMOVUPS Y0, (R8)(AX*1)
	ADDQ    $32, AX
	JMP     acLoop

acDone:
	VZEROUPPER
	RET
