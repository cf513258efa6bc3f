//go:build amd64 && !purego

#include "textflag.h"

// func biasClampAVX2(dst, src, bias *float32, n, c int, lo, hi float32)
// dst = min(max(src + bias, lo), hi) for n values in rows of c (n % c == 0,
// c % 8 == 0); VMAXPS/VMINPS return their second source (the sum) when
// either is NaN, so a NaN stays NaN.
TEXT ·biasClampAVX2(SB), NOSPLIT, $0-48
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         bias+16(FP), DX
	MOVQ         n+24(FP), CX
	MOVQ         c+32(FP), BX
	VBROADCASTSS lo+40(FP), Y14
	VBROADCASTSS hi+44(FP), Y15
	SHLQ         $2, BX
	SHLQ         $2, CX
	ADDQ         SI, CX        // end of src

bcRow:
	CMPQ SI, CX
	JAE  bcDone
	XORQ AX, AX

bcCol:
	VMOVUPS (SI)(AX*1), Y0
	VADDPS  (DX)(AX*1), Y0, Y0
	VMAXPS  Y0, Y14, Y0        // lo > v ? lo : v
	VMINPS  Y0, Y15, Y0        // hi < v ? hi : v
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, BX
	JB      bcCol
	ADDQ    BX, SI
	ADDQ    BX, DI
	JMP     bcRow

bcDone:
	VZEROUPPER
	RET

// func clampToAVX2(dst, src *float32, n int, lo, hi float32)
// dst[i] = min(max(src[i], lo), hi) for n values (n % 8 == 0); a NaN
// stays NaN.
TEXT ·clampToAVX2(SB), NOSPLIT, $0-32
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS lo+24(FP), Y14
	VBROADCASTSS hi+28(FP), Y15
	SHLQ         $2, CX
	XORQ         AX, AX

ctLoop:
	CMPQ    AX, CX
	JAE     ctDone
	VMOVUPS (SI)(AX*1), Y0
	VMAXPS  Y0, Y14, Y0    // lo > v ? lo : v
	VMINPS  Y0, Y15, Y0    // hi < v ? hi : v
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     ctLoop

ctDone:
	VZEROUPPER
	RET
