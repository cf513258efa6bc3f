//go:build amd64 && !purego

#include "textflag.h"

// DW_MASK sets K1 to the channels of the block at byte offset AX of c
// channels (BX = c·4 bytes): all 16, or the c - AX/4 left (CX, R15 used).
#define DW_MASK \
	MOVQ  BX, CX; \
	SUBQ  AX, CX; \
	SHRQ  $2, CX; \
	MOVL  $0xffff, R15; \
	CMPQ  CX, $16; \
	JAE   4(PC); \
	MOVL  $1, R15; \
	SHLL  CX, R15; \
	DECL  R15; \
	KMOVW R15, K1

// func dw3x3RowAVX512(y, x0, x1, x2, k, b *float32, n, c, sx int, lo, hi float32)
// dw3x3Row with AVX-512 for any c: for each block of 16 channels (outer
// loop; the last block masked with K1), the nine taps in Z0–Z8, the bias
// in Z12 and the clamp in Z13, Z14; then for each of the n pixels: two
// accumulators (bias + row 0 + row 2, row 1) summed, clamped to [lo, hi]
// (a NaN stays NaN) and stored at y[p·c]. Pixel p's window starts sx
// floats after pixel p-1's.
TEXT ·dw3x3RowAVX512(SB), NOSPLIT, $0-80
	MOVQ         k+32(FP), SI
	MOVQ         b+40(FP), DX
	MOVQ         c+56(FP), BX
	MOVQ         sx+64(FP), R11
	VBROADCASTSS lo+72(FP), Z13
	VBROADCASTSS hi+76(FP), Z14
	SHLQ         $2, BX             // c in bytes: the tap stride
	SHLQ         $2, R11            // sx in bytes
	XORQ         AX, AX             // channel block, in bytes

d3Chan:
	CMPQ      AX, BX
	JAE       d3Done
	DW_MASK
	LEAQ      (SI)(AX*1), R12
	VMOVUPS.Z (R12), K1, Z0
	VMOVUPS.Z (R12)(BX*1), K1, Z1
	VMOVUPS.Z (R12)(BX*2), K1, Z2
	LEAQ      (R12)(BX*2), R12
	ADDQ      BX, R12
	VMOVUPS.Z (R12), K1, Z3
	VMOVUPS.Z (R12)(BX*1), K1, Z4
	VMOVUPS.Z (R12)(BX*2), K1, Z5
	LEAQ      (R12)(BX*2), R12
	ADDQ      BX, R12
	VMOVUPS.Z (R12), K1, Z6
	VMOVUPS.Z (R12)(BX*1), K1, Z7
	VMOVUPS.Z (R12)(BX*2), K1, Z8
	VMOVUPS.Z (DX)(AX*1), K1, Z12
	MOVQ      x0+8(FP), R12
	MOVQ      x1+16(FP), R13
	MOVQ      x2+24(FP), R14
	MOVQ      y+0(FP), DI
	ADDQ      AX, R12
	ADDQ      AX, R13
	ADDQ      AX, R14
	ADDQ      AX, DI
	MOVQ      n+48(FP), CX

d3Pix:
	VMOVAPS     Z12, Z9
	VFMADD231PS (R12), Z0, K1, Z9
	VMULPS.Z    (R13), Z3, K1, Z10
	VFMADD231PS (R12)(BX*1), Z1, K1, Z9
	VFMADD231PS (R13)(BX*1), Z4, K1, Z10
	VFMADD231PS (R12)(BX*2), Z2, K1, Z9
	VFMADD231PS (R13)(BX*2), Z5, K1, Z10
	VFMADD231PS (R14), Z6, K1, Z9
	VFMADD231PS (R14)(BX*1), Z7, K1, Z9
	VFMADD231PS (R14)(BX*2), Z8, K1, Z9
	VADDPS      Z10, Z9, Z9
	VMAXPS      Z9, Z13, Z9        // lo > acc ? lo : acc
	VMINPS      Z9, Z14, Z9        // hi < acc ? hi : acc
	VMOVUPS     Z9, K1, (DI)
	ADDQ        R11, R12
	ADDQ        R11, R13
	ADDQ        R11, R14
	ADDQ        BX, DI
	DECQ        CX
	JNZ         d3Pix

	ADDQ $64, AX
	JMP  d3Chan

d3Done:
	VZEROUPPER
	RET

// func dw5x5RowAVX512(y, x0, x1, x2, x3, x4, k, b *float32, n, c, sx int, lo, hi float32)
// dw5x5Row with AVX-512 for any c: for each block of 16 channels (the
// last one masked with K1), the 25 taps in Z0–Z24, the bias in Z25, the
// clamp in Z26, Z27; for each pixel, rows 0, 2, 4 accumulate (from the
// bias) in Z28 and rows 1, 3 in Z29, then the sum is clamped and stored.
// Tap v of a row is at v·c floats (R9 = 3c bytes for v = 3).
TEXT ·dw5x5RowAVX512(SB), NOSPLIT, $0-96
	MOVQ         k+48(FP), SI
	MOVQ         c+72(FP), BX
	VBROADCASTSS lo+88(FP), Z26
	VBROADCASTSS hi+92(FP), Z27
	SHLQ         $2, BX             // c in bytes: the tap stride
	LEAQ         (BX)(BX*2), R9     // 3c in bytes
	XORQ         AX, AX             // channel block, in bytes

d5Chan:
	CMPQ      AX, BX
	JAE       d5Done
	DW_MASK
	LEAQ      (SI)(AX*1), R12
	VMOVUPS.Z (R12), K1, Z0
	VMOVUPS.Z (R12)(BX*1), K1, Z1
	VMOVUPS.Z (R12)(BX*2), K1, Z2
	VMOVUPS.Z (R12)(R9*1), K1, Z3
	VMOVUPS.Z (R12)(BX*4), K1, Z4
	LEAQ      (R12)(BX*4), R12
	ADDQ      BX, R12
	VMOVUPS.Z (R12), K1, Z5
	VMOVUPS.Z (R12)(BX*1), K1, Z6
	VMOVUPS.Z (R12)(BX*2), K1, Z7
	VMOVUPS.Z (R12)(R9*1), K1, Z8
	VMOVUPS.Z (R12)(BX*4), K1, Z9
	LEAQ      (R12)(BX*4), R12
	ADDQ      BX, R12
	VMOVUPS.Z (R12), K1, Z10
	VMOVUPS.Z (R12)(BX*1), K1, Z11
	VMOVUPS.Z (R12)(BX*2), K1, Z12
	VMOVUPS.Z (R12)(R9*1), K1, Z13
	VMOVUPS.Z (R12)(BX*4), K1, Z14
	LEAQ      (R12)(BX*4), R12
	ADDQ      BX, R12
	VMOVUPS.Z (R12), K1, Z15
	VMOVUPS.Z (R12)(BX*1), K1, Z16
	VMOVUPS.Z (R12)(BX*2), K1, Z17
	VMOVUPS.Z (R12)(R9*1), K1, Z18
	VMOVUPS.Z (R12)(BX*4), K1, Z19
	LEAQ      (R12)(BX*4), R12
	ADDQ      BX, R12
	VMOVUPS.Z (R12), K1, Z20
	VMOVUPS.Z (R12)(BX*1), K1, Z21
	VMOVUPS.Z (R12)(BX*2), K1, Z22
	VMOVUPS.Z (R12)(R9*1), K1, Z23
	VMOVUPS.Z (R12)(BX*4), K1, Z24
	MOVQ      b+56(FP), R12
	VMOVUPS.Z (R12)(AX*1), K1, Z25
	MOVQ      x0+8(FP), R8
	MOVQ      x1+16(FP), R10
	MOVQ      x2+24(FP), R11
	MOVQ      x3+32(FP), R12
	MOVQ      x4+40(FP), R13
	MOVQ      y+0(FP), DI
	ADDQ      AX, R8
	ADDQ      AX, R10
	ADDQ      AX, R11
	ADDQ      AX, R12
	ADDQ      AX, R13
	ADDQ      AX, DI
	MOVQ      sx+80(FP), R14
	SHLQ      $2, R14               // sx in bytes
	MOVQ      n+64(FP), CX

d5Pix:
	VMOVAPS     Z25, Z28
	VMULPS.Z    (R10), Z5, K1, Z29
	VFMADD231PS (R8), Z0, K1, Z28
	VFMADD231PS (R10)(BX*1), Z6, K1, Z29
	VFMADD231PS (R8)(BX*1), Z1, K1, Z28
	VFMADD231PS (R10)(BX*2), Z7, K1, Z29
	VFMADD231PS (R8)(BX*2), Z2, K1, Z28
	VFMADD231PS (R10)(R9*1), Z8, K1, Z29
	VFMADD231PS (R8)(R9*1), Z3, K1, Z28
	VFMADD231PS (R10)(BX*4), Z9, K1, Z29
	VFMADD231PS (R8)(BX*4), Z4, K1, Z28
	VFMADD231PS (R12), Z15, K1, Z29
	VFMADD231PS (R11), Z10, K1, Z28
	VFMADD231PS (R12)(BX*1), Z16, K1, Z29
	VFMADD231PS (R11)(BX*1), Z11, K1, Z28
	VFMADD231PS (R12)(BX*2), Z17, K1, Z29
	VFMADD231PS (R11)(BX*2), Z12, K1, Z28
	VFMADD231PS (R12)(R9*1), Z18, K1, Z29
	VFMADD231PS (R11)(R9*1), Z13, K1, Z28
	VFMADD231PS (R12)(BX*4), Z19, K1, Z29
	VFMADD231PS (R11)(BX*4), Z14, K1, Z28
	VFMADD231PS (R13), Z20, K1, Z28
	VFMADD231PS (R13)(BX*1), Z21, K1, Z28
	VFMADD231PS (R13)(BX*2), Z22, K1, Z28
	VFMADD231PS (R13)(R9*1), Z23, K1, Z28
	VFMADD231PS (R13)(BX*4), Z24, K1, Z28
	VADDPS      Z29, Z28, Z28
	VMAXPS      Z28, Z26, Z28      // lo > acc ? lo : acc
	VMINPS      Z28, Z27, Z28      // hi < acc ? hi : acc
	VMOVUPS     Z28, K1, (DI)
	ADDQ        R14, R8
	ADDQ        R14, R10
	ADDQ        R14, R11
	ADDQ        R14, R12
	ADDQ        R14, R13
	ADDQ        BX, DI
	DECQ        CX
	JNZ         d5Pix

	ADDQ $64, AX
	JMP  d5Chan

d5Done:
	VZEROUPPER
	RET
