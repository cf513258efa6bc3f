//go:build amd64 && !purego

#include "textflag.h"

// The loops of simd.go with AVX2, 8 floats per instruction. Row lengths c
// are multiples of 8 floats (32 bytes); pointers need no alignment.

// func biasReLUAVX2(dst, src, bias *float32, n, c int)
TEXT ·biasReLUAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ bias+16(FP), DX
	MOVQ n+24(FP), CX
	MOVQ c+32(FP), BX
	SHLQ $2, BX
	SHLQ $2, CX
	ADDQ SI, CX // end of src
	VXORPS Y15, Y15, Y15

brRow:
	CMPQ SI, CX
	JAE  brDone
	XORQ AX, AX

brCol:
	VMOVUPS (SI)(AX*1), Y0
	VADDPS  (DX)(AX*1), Y0, Y0
	VMAXPS  Y0, Y15, Y0        // 0 > v ? 0 : v (NaN stays)
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, BX
	JB      brCol
	ADDQ    BX, SI
	ADDQ    BX, DI
	JMP     brRow

brDone:
	VZEROUPPER
	RET

// func reluGradAVX2(dz, dy, y *float32, n int)
TEXT ·reluGradAVX2(SB), NOSPLIT, $0-32
	MOVQ dz+0(FP), DI
	MOVQ dy+8(FP), SI
	MOVQ y+16(FP), DX
	MOVQ n+24(FP), CX
	SHLQ $2, CX
	XORQ AX, AX
	VPXOR Y15, Y15, Y15

rgLoop:
	CMPQ     AX, CX
	JAE      rgDone
	VMOVDQU  (DX)(AX*1), Y0
	VPCMPGTD Y15, Y0, Y0         // all ones where y's bits, as int32, are > 0
	VANDPS   (SI)(AX*1), Y0, Y0
	VMOVUPS  Y0, (DI)(AX*1)
	ADDQ     $32, AX
	JMP      rgLoop

rgDone:
	VZEROUPPER
	RET

// func addRowsAVX2(dst, src *float32, n, c int)
// Columns in chunks of 32 (four independent sums), then of 8; within a
// column the rows are added in order, as addTo does.
TEXT ·addRowsAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	MOVQ c+24(FP), BX
	SHLQ $2, BX
	SHLQ $2, CX
	ADDQ SI, CX // end of src
	XORQ AX, AX // column offset in bytes

arChunk32:
	LEAQ    128(AX), R8
	CMPQ    R8, BX
	JA      arChunk8
	VMOVUPS (DI)(AX*1), Y0
	VMOVUPS 32(DI)(AX*1), Y1
	VMOVUPS 64(DI)(AX*1), Y2
	VMOVUPS 96(DI)(AX*1), Y3
	LEAQ    (SI)(AX*1), R9
	LEAQ    (CX)(AX*1), R10

arRows32:
	CMPQ   R9, R10
	JAE    arStore32
	VADDPS (R9), Y0, Y0
	VADDPS 32(R9), Y1, Y1
	VADDPS 64(R9), Y2, Y2
	VADDPS 96(R9), Y3, Y3
	ADDQ   BX, R9
	JMP    arRows32

arStore32:
	VMOVUPS Y0, (DI)(AX*1)
	VMOVUPS Y1, 32(DI)(AX*1)
	VMOVUPS Y2, 64(DI)(AX*1)
	VMOVUPS Y3, 96(DI)(AX*1)
	MOVQ    R8, AX
	JMP     arChunk32

arChunk8:
	CMPQ    AX, BX
	JAE     arDone
	VMOVUPS (DI)(AX*1), Y0
	LEAQ    (SI)(AX*1), R9
	LEAQ    (CX)(AX*1), R10

arRows8:
	CMPQ   R9, R10
	JAE    arStore8
	VADDPS (R9), Y0, Y0
	ADDQ   BX, R9
	JMP    arRows8

arStore8:
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     arChunk8

arDone:
	VZEROUPPER
	RET

// func maxPool2AVX2(y, x0, x1 *float32, ow, c int)
TEXT ·maxPool2AVX2(SB), NOSPLIT, $0-40
	MOVQ y+0(FP), DI
	MOVQ x0+8(FP), SI
	MOVQ x1+16(FP), DX
	MOVQ ow+24(FP), CX
	MOVQ c+32(FP), BX
	SHLQ $2, BX

mpPix:
	TESTQ CX, CX
	JZ    mpDone
	LEAQ  (SI)(BX*1), R8 // right pixel of the top row
	LEAQ  (DX)(BX*1), R9 // right pixel of the bottom row
	XORQ  AX, AX

mpCh:
	VMOVUPS (SI)(AX*1), Y0
	VMOVUPS (R8)(AX*1), Y1
	VMAXPS  Y0, Y1, Y0     // b > m ? b : m
	VMOVUPS (DX)(AX*1), Y2
	VMAXPS  Y0, Y2, Y0
	VMOVUPS (R9)(AX*1), Y3
	VMAXPS  Y0, Y3, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, BX
	JB      mpCh
	LEAQ    (SI)(BX*2), SI
	LEAQ    (DX)(BX*2), DX
	ADDQ    BX, DI
	DECQ    CX
	JMP     mpPix

mpDone:
	VZEROUPPER
	RET

// func maxPool2BackAVX2(dx0, dx1, x0, x1, y, dy *float32, ow, c int)
TEXT ·maxPool2BackAVX2(SB), NOSPLIT, $0-64
	MOVQ dx0+0(FP), DI
	MOVQ dx1+8(FP), R11
	MOVQ x0+16(FP), SI
	MOVQ x1+24(FP), DX
	MOVQ y+32(FP), R12
	MOVQ dy+40(FP), R13
	MOVQ ow+48(FP), CX
	MOVQ c+56(FP), BX
	SHLQ $2, BX

mbPix:
	TESTQ CX, CX
	JZ    mbDone
	LEAQ  (SI)(BX*1), R8  // x0, right pixel
	LEAQ  (DX)(BX*1), R9  // x1, right pixel
	LEAQ  (DI)(BX*1), R14 // dx0, right pixel
	LEAQ  (R11)(BX*1), R10 // dx1, right pixel
	XORQ  AX, AX

mbCh:
	VMOVUPS (R12)(AX*1), Y0        // the maximum
	VMOVUPS (R13)(AX*1), Y1        // its gradient
	VCMPPS  $0, (SI)(AX*1), Y0, Y2 // taken: top left is the maximum
	VANDPS  Y1, Y2, Y3
	VMOVUPS Y3, (DI)(AX*1)
	VCMPPS  $0, (R8)(AX*1), Y0, Y4
	VANDNPS Y4, Y2, Y4             // top right, unless taken
	VORPS   Y4, Y2, Y2
	VANDPS  Y1, Y4, Y3
	VMOVUPS Y3, (R14)(AX*1)
	VCMPPS  $0, (DX)(AX*1), Y0, Y4
	VANDNPS Y4, Y2, Y4             // bottom left, unless taken
	VORPS   Y4, Y2, Y2
	VANDPS  Y1, Y4, Y3
	VMOVUPS Y3, (R11)(AX*1)
	VCMPPS  $0, (R9)(AX*1), Y0, Y4
	VANDNPS Y4, Y2, Y4             // bottom right, unless taken
	VANDPS  Y1, Y4, Y3
	VMOVUPS Y3, (R10)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, BX
	JB      mbCh
	LEAQ    (SI)(BX*2), SI
	LEAQ    (DX)(BX*2), DX
	LEAQ    (DI)(BX*2), DI
	LEAQ    (R11)(BX*2), R11
	ADDQ    BX, R12
	ADDQ    BX, R13
	DECQ    CX
	JMP     mbPix

mbDone:
	VZEROUPPER
	RET

// func rmspropAVX2(w, grad, v *float32, n int, lr, rho, rho1, eps float32)
TEXT ·rmspropAVX2(SB), NOSPLIT, $0-48
	MOVQ         w+0(FP), DI
	MOVQ         grad+8(FP), SI
	MOVQ         v+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSS lr+32(FP), Y12
	VBROADCASTSS rho+36(FP), Y13
	VBROADCASTSS rho1+40(FP), Y14
	VBROADCASTSS eps+44(FP), Y15
	SHLQ         $2, CX
	XORQ         AX, AX

rmLoop:
	CMPQ    AX, CX
	JAE     rmDone
	VMOVUPS (SI)(AX*1), Y0 // g
	VMULPS  (DX)(AX*1), Y13, Y1 // rho·v
	VMULPS  Y0, Y0, Y2
	VMULPS  Y14, Y2, Y2    // (1-rho)·g²
	VADDPS  Y2, Y1, Y1
	VMOVUPS Y1, (DX)(AX*1)
	VSQRTPS Y1, Y1
	VADDPS  Y15, Y1, Y1    // sqrt(v) + eps
	VMULPS  Y0, Y12, Y0    // lr·g
	VDIVPS  Y1, Y0, Y0
	VMOVUPS (DI)(AX*1), Y3
	VSUBPS  Y0, Y3, Y3
	VMOVUPS Y3, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     rmLoop

rmDone:
	VZEROUPPER
	RET

// func axpyRowsAVX2(y, w, x *float32, rows, cols, ldw int)
// y[j] += Σ_r x[r]·w[r·ldw + j] for j < cols, with FMA: columns in blocks of
// 64 (eight accumulators) and then 8, every row streamed once per block.
TEXT ·axpyRowsAVX2(SB), NOSPLIT, $0-48
	MOVQ y+0(FP), DI
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DX
	MOVQ rows+24(FP), CX
	MOVQ cols+32(FP), BX
	MOVQ ldw+40(FP), R8
	SHLQ $2, BX
	SHLQ $2, R8
	XORQ AX, AX

axBlk64:
	LEAQ    256(AX), R9
	CMPQ    R9, BX
	JA      axBlk8
	VMOVUPS (DI)(AX*1), Y0
	VMOVUPS 32(DI)(AX*1), Y1
	VMOVUPS 64(DI)(AX*1), Y2
	VMOVUPS 96(DI)(AX*1), Y3
	VMOVUPS 128(DI)(AX*1), Y4
	VMOVUPS 160(DI)(AX*1), Y5
	VMOVUPS 192(DI)(AX*1), Y6
	VMOVUPS 224(DI)(AX*1), Y7
	LEAQ    (SI)(AX*1), R10
	MOVQ    DX, R11
	MOVQ    CX, R12

axRow64:
	TESTQ        R12, R12
	JZ           axStore64
	VBROADCASTSS (R11), Y8
	VFMADD231PS  (R10), Y8, Y0
	VFMADD231PS  32(R10), Y8, Y1
	VFMADD231PS  64(R10), Y8, Y2
	VFMADD231PS  96(R10), Y8, Y3
	VFMADD231PS  128(R10), Y8, Y4
	VFMADD231PS  160(R10), Y8, Y5
	VFMADD231PS  192(R10), Y8, Y6
	VFMADD231PS  224(R10), Y8, Y7
	ADDQ         R8, R10
	ADDQ         $4, R11
	DECQ         R12
	JMP          axRow64

axStore64:
	VMOVUPS Y0, (DI)(AX*1)
	VMOVUPS Y1, 32(DI)(AX*1)
	VMOVUPS Y2, 64(DI)(AX*1)
	VMOVUPS Y3, 96(DI)(AX*1)
	VMOVUPS Y4, 128(DI)(AX*1)
	VMOVUPS Y5, 160(DI)(AX*1)
	VMOVUPS Y6, 192(DI)(AX*1)
	VMOVUPS Y7, 224(DI)(AX*1)
	MOVQ    R9, AX
	JMP     axBlk64

axBlk8:
	CMPQ    AX, BX
	JAE     axDone
	VMOVUPS (DI)(AX*1), Y0
	LEAQ    (SI)(AX*1), R10
	MOVQ    DX, R11
	MOVQ    CX, R12

axRow8:
	TESTQ        R12, R12
	JZ           axStore8
	VBROADCASTSS (R11), Y8
	VFMADD231PS  (R10), Y8, Y0
	ADDQ         R8, R10
	ADDQ         $4, R11
	DECQ         R12
	JMP          axRow8

axStore8:
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     axBlk8

axDone:
	VZEROUPPER
	RET

// laneBits holds 1 << i in 32-bit lane i: ANDed with a broadcast byte and
// compared, it turns the byte's bits into lane masks.
DATA laneBits<>+0(SB)/4, $1
DATA laneBits<>+4(SB)/4, $2
DATA laneBits<>+8(SB)/4, $4
DATA laneBits<>+12(SB)/4, $8
DATA laneBits<>+16(SB)/4, $16
DATA laneBits<>+20(SB)/4, $32
DATA laneBits<>+24(SB)/4, $64
DATA laneBits<>+28(SB)/4, $128
GLOBL laneBits<>(SB), RODATA|NOPTR, $32

// func maxPool2CodesAVX2(y *float32, codes *uint8, x0, x1 *float32, ow, c int)
// maxPool2AVX2, plus each window's first maximum as a 2-bit code (0 top
// left, 1 top right, 2 bottom left, 3 bottom right) in two bit planes, one
// byte pair per 8 channels.
TEXT ·maxPool2CodesAVX2(SB), NOSPLIT, $0-48
	MOVQ y+0(FP), DI
	MOVQ codes+8(FP), R10
	MOVQ x0+16(FP), SI
	MOVQ x1+24(FP), DX
	MOVQ ow+32(FP), CX
	MOVQ c+40(FP), BX
	SHLQ $2, BX

mcPix:
	TESTQ CX, CX
	JZ    mcDone
	LEAQ  (SI)(BX*1), R8
	LEAQ  (DX)(BX*1), R9
	XORQ  AX, AX

mcCh:
	VMOVUPS   (SI)(AX*1), Y0   // a
	VMOVUPS   (R8)(AX*1), Y1   // b
	VMAXPS    Y0, Y1, Y4       // m = b > a ? b : a
	VMOVUPS   (DX)(AX*1), Y2   // d
	VMAXPS    Y4, Y2, Y4
	VMOVUPS   (R9)(AX*1), Y3   // e
	VMAXPS    Y4, Y3, Y4
	VMOVUPS   Y4, (DI)(AX*1)
	VCMPPS    $0, Y4, Y0, Y0   // a == m
	VCMPPS    $0, Y4, Y1, Y1   // b == m
	VCMPPS    $0, Y4, Y2, Y2   // d == m
	VMOVMSKPS Y0, R11
	VMOVMSKPS Y1, R12
	VMOVMSKPS Y2, R13
	MOVL      R11, R14
	ORL       R12, R14
	NOTL      R14              // bit 1: neither a nor b
	NOTL      R13
	ORL       R12, R13
	NOTL      R11
	ANDL      R11, R13         // bit 0: not a, and b or not d
	MOVB      R13, (R10)
	MOVB      R14, 1(R10)
	ADDQ      $2, R10
	ADDQ      $32, AX
	CMPQ      AX, BX
	JB        mcCh
	LEAQ      (SI)(BX*2), SI
	LEAQ      (DX)(BX*2), DX
	ADDQ      BX, DI
	DECQ      CX
	JMP       mcPix

mcDone:
	VZEROUPPER
	RET

// func maxPool2BackCodesAVX2(dx0, dx1, grad *float32, codes *uint8, ow, c int)
// Writes g to the window position its code names and 0 to the other three.
TEXT ·maxPool2BackCodesAVX2(SB), NOSPLIT, $0-48
	MOVQ    dx0+0(FP), DI
	MOVQ    dx1+8(FP), R11
	MOVQ    grad+16(FP), SI
	MOVQ    codes+24(FP), R10
	MOVQ    ow+32(FP), CX
	MOVQ    c+40(FP), BX
	SHLQ    $2, BX
	VMOVDQU laneBits<>(SB), Y15

bcPix:
	TESTQ CX, CX
	JZ    bcDone
	LEAQ  (DI)(BX*1), R8
	LEAQ  (R11)(BX*1), R9
	XORQ  AX, AX

bcCh:
	VMOVUPS      (SI)(AX*1), Y0 // gradient
	MOVBLZX      (R10), R12
	VMOVD        R12, X1
	VPBROADCASTD X1, Y1
	VPAND        Y15, Y1, Y1
	VPCMPEQD     Y15, Y1, Y1    // bit 0 of the code
	MOVBLZX      1(R10), R12
	VMOVD        R12, X2
	VPBROADCASTD X2, Y2
	VPAND        Y15, Y2, Y2
	VPCMPEQD     Y15, Y2, Y2    // bit 1
	VORPS        Y1, Y2, Y3
	VANDNPS      Y0, Y3, Y4     // code 0: top left
	VMOVUPS      Y4, (DI)(AX*1)
	VANDNPS      Y1, Y2, Y4     // code 1: top right
	VANDPS       Y0, Y4, Y4
	VMOVUPS      Y4, (R8)(AX*1)
	VANDNPS      Y2, Y1, Y4     // code 2: bottom left
	VANDPS       Y0, Y4, Y4
	VMOVUPS      Y4, (R11)(AX*1)
	VANDPS       Y1, Y2, Y4     // code 3: bottom right
	VANDPS       Y0, Y4, Y4
	VMOVUPS      Y4, (R9)(AX*1)
	ADDQ         $2, R10
	ADDQ         $32, AX
	CMPQ         AX, BX
	JB           bcCh
	ADDQ         BX, SI
	LEAQ         (DI)(BX*2), DI
	LEAQ         (R11)(BX*2), R11
	DECQ         CX
	JMP          bcPix

bcDone:
	VZEROUPPER
	RET
