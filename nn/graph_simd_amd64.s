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

// func clampAVX2(v *float32, n int, lo, hi float32)
// v[i] = min(max(v[i], lo), hi) for n values (n % 8 == 0); a NaN stays NaN
// (each VMAXPS/VMINPS returns its second source, v, when either is NaN).
TEXT ·clampAVX2(SB), NOSPLIT, $0-24
	MOVQ         v+0(FP), DI
	MOVQ         n+8(FP), CX
	VBROADCASTSS lo+16(FP), Y2
	VBROADCASTSS hi+20(FP), Y3
	SHLQ         $2, CX
	XORQ         AX, AX

clLoop:
	CMPQ    AX, CX
	JAE     clDone
	VMOVUPS (DI)(AX*1), Y0
	VMAXPS  Y0, Y2, Y1     // lo > v ? lo : v
	VMINPS  Y1, Y3, Y1     // hi < v ? hi : v
	VMOVUPS Y1, (DI)(AX*1)
	ADDQ    $32, AX
	JMP     clLoop

clDone:
	VZEROUPPER
	RET

// func mulAdd3AVX2(dst, a, b *float32, n, as, bs int)
// dst[i] += a[i]·b[i], then += a[as+i]·b[bs+i], then += a[2·as+i]·b[2·bs+i]
// for n values (n % 8 == 0), with FMA: the same roundings as three
// mulAddAVX2 calls, with dst loaded and stored once (a depthwise kernel
// row of three taps; as, bs in elements).
TEXT ·mulAdd3AVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	MOVQ as+32(FP), R8
	MOVQ bs+40(FP), R9
	SHLQ $2, CX
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (SI)(R8*1), R10 // a + as
	LEAQ (R10)(R8*1), R11 // a + 2·as
	LEAQ (DX)(R9*1), R12 // b + bs
	LEAQ (R12)(R9*1), R13 // b + 2·bs
	XORQ AX, AX

ma3Loop:
	CMPQ        AX, CX
	JAE         ma3Done
	VMOVUPS     (DI)(AX*1), Y1
	VMOVUPS     (SI)(AX*1), Y0
	VFMADD231PS (DX)(AX*1), Y0, Y1
	VMOVUPS     (R10)(AX*1), Y2
	VFMADD231PS (R12)(AX*1), Y2, Y1
	VMOVUPS     (R11)(AX*1), Y3
	VFMADD231PS (R13)(AX*1), Y3, Y1
	VMOVUPS     Y1, (DI)(AX*1)
	ADDQ        $32, AX
	JMP         ma3Loop

ma3Done:
	VZEROUPPER
	RET
