//go:build amd64 && !purego

#include "textflag.h"

// func dw3x3RowAVX2(y, x0, x1, x2, k, b *float32, n, c, sx int, lo, hi float32)
// dw3x3Row for c % 8 == 0: for each block of 8 channels (outer loop), the
// nine kernel taps in Y0–Y8, the bias in Y12 and the clamp in Y13, Y14;
// then for each of the n pixels: acc = bias, nine fused multiply-adds with
// the taps of rows x0, x1, x2 (columns 0, c, 2c), acc = min(max(acc, lo),
// hi) (a NaN stays NaN: VMAXPS/VMINPS return their second source, acc,
// when either is NaN), stored at y[p·c]. Pixel p's window starts sx
// floats after pixel p-1's.
TEXT ·dw3x3RowAVX2(SB), NOSPLIT, $0-80
	MOVQ         y+0(FP), DI
	MOVQ         x0+8(FP), R8
	MOVQ         x1+16(FP), R9
	MOVQ         x2+24(FP), R10
	MOVQ         k+32(FP), SI
	MOVQ         b+40(FP), DX
	MOVQ         c+56(FP), BX
	MOVQ         sx+64(FP), R11
	VBROADCASTSS lo+72(FP), Y13
	VBROADCASTSS hi+76(FP), Y14
	SHLQ         $2, BX             // c in bytes: the tap stride
	SHLQ         $2, R11            // sx in bytes
	XORQ         AX, AX             // channel block, in bytes

dwChan:
	CMPQ    AX, BX
	JAE     dwDone
	LEAQ    (SI)(AX*1), R12
	VMOVUPS (R12), Y0
	VMOVUPS (R12)(BX*1), Y1
	VMOVUPS (R12)(BX*2), Y2
	LEAQ    (R12)(BX*2), R12
	ADDQ    BX, R12
	VMOVUPS (R12), Y3
	VMOVUPS (R12)(BX*1), Y4
	VMOVUPS (R12)(BX*2), Y5
	LEAQ    (R12)(BX*2), R12
	ADDQ    BX, R12
	VMOVUPS (R12), Y6
	VMOVUPS (R12)(BX*1), Y7
	VMOVUPS (R12)(BX*2), Y8
	VMOVUPS (DX)(AX*1), Y12
	LEAQ    (R8)(AX*1), R12
	LEAQ    (R9)(AX*1), R13
	LEAQ    (R10)(AX*1), R14
	LEAQ    (DI)(AX*1), R15
	MOVQ    n+48(FP), CX

dwPix:
	VMOVAPS     Y12, Y9
	VFMADD231PS (R12), Y0, Y9
	VFMADD231PS (R12)(BX*1), Y1, Y9
	VFMADD231PS (R12)(BX*2), Y2, Y9
	VFMADD231PS (R13), Y3, Y9
	VFMADD231PS (R13)(BX*1), Y4, Y9
	VFMADD231PS (R13)(BX*2), Y5, Y9
	VFMADD231PS (R14), Y6, Y9
	VFMADD231PS (R14)(BX*1), Y7, Y9
	VFMADD231PS (R14)(BX*2), Y8, Y9
	VMAXPS      Y9, Y13, Y9        // lo > acc ? lo : acc
	VMINPS      Y9, Y14, Y9        // hi < acc ? hi : acc
	VMOVUPS     Y9, (R15)
	ADDQ        R11, R12
	ADDQ        R11, R13
	ADDQ        R11, R14
	ADDQ        BX, R15
	DECQ        CX
	JNZ         dwPix

	ADDQ $32, AX
	JMP  dwChan

dwDone:
	VZEROUPPER
	RET
