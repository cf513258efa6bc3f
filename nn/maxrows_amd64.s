//go:build amd64 && !purego

#include "textflag.h"

// func maxRowsAVX2(dst, src *float32, c, rows int)
// dst[i] = src[q·c+i] > dst[i] ? src[q·c+i] : dst[i] for q = 0 … rows−1 in
// order and i < c (c % 8 == 0): 32 channels at a time in Y0–Y3 (then 8 at
// a time in Y0), one load of dst and one store per chunk. VMAXPS with the
// running maximum as its second source keeps it when either is NaN, as
// maxIntoAVX2.
TEXT ·maxRowsAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ c+16(FP), R9
	MOVQ rows+24(FP), DX
	SHLQ $2, R9           // row stride and end of dst, bytes
	XORQ AX, AX           // byte offset of the chunk

mr32:
	LEAQ 128(AX), R10
	CMPQ R10, R9
	JA   mr8
	VMOVUPS (DI)(AX*1), Y0
	VMOVUPS 32(DI)(AX*1), Y1
	VMOVUPS 64(DI)(AX*1), Y2
	VMOVUPS 96(DI)(AX*1), Y3
	LEAQ (SI)(AX*1), R11
	MOVQ DX, R12

mr32Loop:
	VMOVUPS (R11), Y4
	VMOVUPS 32(R11), Y5
	VMOVUPS 64(R11), Y6
	VMOVUPS 96(R11), Y7
	VMAXPS  Y0, Y4, Y0
	VMAXPS  Y1, Y5, Y1
	VMAXPS  Y2, Y6, Y2
	VMAXPS  Y3, Y7, Y3
	ADDQ    R9, R11
	DECQ    R12
	JNZ     mr32Loop
	VMOVUPS Y0, (DI)(AX*1)
	VMOVUPS Y1, 32(DI)(AX*1)
	VMOVUPS Y2, 64(DI)(AX*1)
	VMOVUPS Y3, 96(DI)(AX*1)
	MOVQ    R10, AX
	JMP     mr32

mr8:
	LEAQ 32(AX), R10
	CMPQ R10, R9
	JA   mrDone
	VMOVUPS (DI)(AX*1), Y0
	LEAQ (SI)(AX*1), R11
	MOVQ DX, R12

mr8Loop:
	VMOVUPS (R11), Y4
	VMAXPS  Y0, Y4, Y0
	ADDQ    R9, R11
	DECQ    R12
	JNZ     mr8Loop
	VMOVUPS Y0, (DI)(AX*1)
	MOVQ    R10, AX
	JMP     mr8

mrDone:
	VZEROUPPER
	RET
