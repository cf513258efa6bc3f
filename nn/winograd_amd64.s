//go:build amd64 && !purego

#include "textflag.h"

// The tile transforms of winograd_tile.go with AVX2, 8 channels per
// instruction: nc (a multiple of 8) channels of each tile; pointers need
// no alignment. Strides are in floats.

// func winoIn2AVX2(v *float32, ldv int, x *float32, ldx, cin, nc, n int)
TEXT ·winoIn2AVX2(SB), NOSPLIT, $0-56
	MOVQ v+0(FP), DI
	MOVQ ldv+8(FP), R8
	MOVQ x+16(FP), SI
	MOVQ ldx+24(FP), R9
	MOVQ cin+32(FP), R10
	MOVQ nc+40(FP), R11
	MOVQ n+48(FP), R12
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	SHLQ $2, R11
	LEAQ (R10)(R10*2), R13 // 3 pixels
	IMUL3Q $12, R8, CX     // 12 planes

wiTile:
	XORQ AX, AX

wiChan:
	LEAQ (SI)(AX*1), BX
	VMOVUPS (BX), Y0
	VSUBPS  (BX)(R10*2), Y0, Y0     // d0 - d2
	VMOVUPS (BX)(R10*1), Y1
	VADDPS  (BX)(R10*2), Y1, Y1     // d1 + d2
	VMOVUPS (BX)(R10*2), Y2
	VSUBPS  (BX)(R10*1), Y2, Y2     // d2 - d1
	VMOVUPS (BX)(R10*1), Y3
	VSUBPS  (BX)(R13*1), Y3, Y3     // d1 - d3
	ADDQ R9, BX
	VMOVUPS (BX), Y4
	VSUBPS  (BX)(R10*2), Y4, Y4     // d0 - d2
	VMOVUPS (BX)(R10*1), Y5
	VADDPS  (BX)(R10*2), Y5, Y5     // d1 + d2
	VMOVUPS (BX)(R10*2), Y6
	VSUBPS  (BX)(R10*1), Y6, Y6     // d2 - d1
	VMOVUPS (BX)(R10*1), Y7
	VSUBPS  (BX)(R13*1), Y7, Y7     // d1 - d3
	ADDQ R9, BX
	VMOVUPS (BX), Y8
	VSUBPS  (BX)(R10*2), Y8, Y8     // d0 - d2
	VMOVUPS (BX)(R10*1), Y9
	VADDPS  (BX)(R10*2), Y9, Y9     // d1 + d2
	VMOVUPS (BX)(R10*2), Y10
	VSUBPS  (BX)(R10*1), Y10, Y10     // d2 - d1
	VMOVUPS (BX)(R10*1), Y11
	VSUBPS  (BX)(R13*1), Y11, Y11     // d1 - d3
	ADDQ R9, BX
	VMOVUPS (BX), Y12
	VSUBPS  (BX)(R10*2), Y12, Y12     // d0 - d2
	VMOVUPS (BX)(R10*1), Y13
	VADDPS  (BX)(R10*2), Y13, Y13     // d1 + d2
	VMOVUPS (BX)(R10*2), Y14
	VSUBPS  (BX)(R10*1), Y14, Y14     // d2 - d1
	VMOVUPS (BX)(R10*1), Y15
	VSUBPS  (BX)(R13*1), Y15, Y15     // d1 - d3
	LEAQ (DI)(AX*1), DX
	VSUBPS  Y8, Y0, Y0   // t0 - t2
	VMOVUPS Y0, (DX)
	VSUBPS  Y12, Y4, Y12   // t1 - t3
	VMOVUPS Y12, (DX)(CX*1)
	VADDPS  Y8, Y4, Y0   // t1 + t2
	VMOVUPS Y0, (DX)(R8*4)
	VSUBPS  Y4, Y8, Y8   // t2 - t1
	VMOVUPS Y8, (DX)(R8*8)
	ADDQ R8, DX
	VSUBPS  Y9, Y1, Y1   // t0 - t2
	VMOVUPS Y1, (DX)
	VSUBPS  Y13, Y5, Y13   // t1 - t3
	VMOVUPS Y13, (DX)(CX*1)
	VADDPS  Y9, Y5, Y1   // t1 + t2
	VMOVUPS Y1, (DX)(R8*4)
	VSUBPS  Y5, Y9, Y9   // t2 - t1
	VMOVUPS Y9, (DX)(R8*8)
	ADDQ R8, DX
	VSUBPS  Y10, Y2, Y2   // t0 - t2
	VMOVUPS Y2, (DX)
	VSUBPS  Y14, Y6, Y14   // t1 - t3
	VMOVUPS Y14, (DX)(CX*1)
	VADDPS  Y10, Y6, Y2   // t1 + t2
	VMOVUPS Y2, (DX)(R8*4)
	VSUBPS  Y6, Y10, Y10   // t2 - t1
	VMOVUPS Y10, (DX)(R8*8)
	ADDQ R8, DX
	VSUBPS  Y11, Y3, Y3   // t0 - t2
	VMOVUPS Y3, (DX)
	VSUBPS  Y15, Y7, Y15   // t1 - t3
	VMOVUPS Y15, (DX)(CX*1)
	VADDPS  Y11, Y7, Y3   // t1 + t2
	VMOVUPS Y3, (DX)(R8*4)
	VSUBPS  Y7, Y11, Y11   // t2 - t1
	VMOVUPS Y11, (DX)(R8*8)
	ADDQ $32, AX
	CMPQ AX, R11
	JB   wiChan
	LEAQ (SI)(R10*2), SI
	ADDQ R10, DI
	DECQ R12
	JNZ  wiTile
	VZEROUPPER
	RET

// func winoOut2AVX2(y *float32, ldy, pf int, m *float32, ldm, cw, nc int, bias *float32, n int, lo, hi float32)
TEXT ·winoOut2AVX2(SB), NOSPLIT, $0-80
	MOVQ y+0(FP), DI
	MOVQ ldy+8(FP), R9
	MOVQ pf+16(FP), R10
	MOVQ m+24(FP), SI
	MOVQ ldm+32(FP), R8
	MOVQ cw+40(FP), R13
	MOVQ nc+48(FP), R11
	MOVQ bias+56(FP), CX
	MOVQ n+64(FP), R12
	VBROADCASTSS lo+72(FP), Y13
	VBROADCASTSS hi+76(FP), Y14
	SHLQ $2, R8
	SHLQ $2, R9
	SHLQ $2, R10
	SHLQ $2, R11
	SHLQ $2, R13

woTile:
	XORQ AX, AX

woChan:
	LEAQ (SI)(AX*1), BX
	VMOVUPS (BX), Y0          // s0 = m0
	ADDQ R8, BX
	VMOVUPS (BX), Y1          // s0 = m0
	ADDQ R8, BX
	VMOVUPS (BX), Y2          // s0 = m0
	ADDQ R8, BX
	VMOVUPS (BX), Y3          // s0 = m0
	ADDQ R8, BX
	VMOVUPS (BX), Y4
	VADDPS  Y4, Y0, Y0    // s0 += m1; s1 = m1
	ADDQ R8, BX
	VMOVUPS (BX), Y5
	VADDPS  Y5, Y1, Y1    // s0 += m1; s1 = m1
	ADDQ R8, BX
	VMOVUPS (BX), Y6
	VADDPS  Y6, Y2, Y2    // s0 += m1; s1 = m1
	ADDQ R8, BX
	VMOVUPS (BX), Y7
	VADDPS  Y7, Y3, Y3    // s0 += m1; s1 = m1
	ADDQ R8, BX
	VADDPS  (BX), Y0, Y0      // s0 += m2
	VSUBPS  (BX), Y4, Y4  // s1 -= m2
	ADDQ R8, BX
	VADDPS  (BX), Y1, Y1      // s0 += m2
	VSUBPS  (BX), Y5, Y5  // s1 -= m2
	ADDQ R8, BX
	VADDPS  (BX), Y2, Y2      // s0 += m2
	VSUBPS  (BX), Y6, Y6  // s1 -= m2
	ADDQ R8, BX
	VADDPS  (BX), Y3, Y3      // s0 += m2
	VSUBPS  (BX), Y7, Y7  // s1 -= m2
	ADDQ R8, BX
	VSUBPS  (BX), Y4, Y4  // s1 -= m3
	ADDQ R8, BX
	VSUBPS  (BX), Y5, Y5  // s1 -= m3
	ADDQ R8, BX
	VSUBPS  (BX), Y6, Y6  // s1 -= m3
	ADDQ R8, BX
	VSUBPS  (BX), Y7, Y7  // s1 -= m3
	VMOVUPS (CX)(AX*1), Y12
	VADDPS Y1, Y0, Y8
	VADDPS Y2, Y8, Y8
	VSUBPS Y2, Y1, Y9
	VSUBPS Y3, Y9, Y9
	VADDPS Y5, Y4, Y10
	VADDPS Y6, Y10, Y10
	VSUBPS Y6, Y5, Y11
	VSUBPS Y7, Y11, Y11
	VADDPS Y12, Y8, Y8
	VMAXPS Y8, Y13, Y8   // NaN stays
	VMINPS Y8, Y14, Y8
	VADDPS Y12, Y9, Y9
	VMAXPS Y9, Y13, Y9   // NaN stays
	VMINPS Y9, Y14, Y9
	VADDPS Y12, Y10, Y10
	VMAXPS Y10, Y13, Y10   // NaN stays
	VMINPS Y10, Y14, Y10
	VADDPS Y12, Y11, Y11
	VMAXPS Y11, Y13, Y11   // NaN stays
	VMINPS Y11, Y14, Y11
	LEAQ (DI)(AX*1), DX
	VMOVUPS Y8, (DX)
	VMOVUPS Y9, (DX)(R10*1)
	ADDQ R9, DX
	VMOVUPS Y10, (DX)
	VMOVUPS Y11, (DX)(R10*1)
	ADDQ $32, AX
	CMPQ AX, R11
	JB   woChan
	LEAQ (DI)(R10*2), DI
	ADDQ R13, SI
	DECQ R12
	JNZ  woTile
	VZEROUPPER
	RET
