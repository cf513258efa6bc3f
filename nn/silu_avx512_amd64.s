//go:build amd64 && !purego

#include "textflag.h"

// Constants of siluAVX512: silu_amd64.s's siluC (a file's own symbols are
// not visible from another file).
DATA silu5C<>+0(SB)/4, $0x42b00000  // 88.0: above it e^t is taken as +Inf
DATA silu5C<>+4(SB)/4, $0xc2aeac50  // -87.3365448: below it e^t ≈ 0
DATA silu5C<>+8(SB)/4, $0x3fb8aa3b  // log2(e)
DATA silu5C<>+12(SB)/4, $0x3f000000 // 0.5
DATA silu5C<>+16(SB)/4, $0x3f318000 // ln2Hi 0.693359375
DATA silu5C<>+20(SB)/4, $0xb95e8083 // ln2Lo -2.12194440e-4
DATA silu5C<>+24(SB)/4, $0x3f800000 // 1
DATA silu5C<>+28(SB)/4, $0x7f800000 // +Inf
DATA silu5C<>+32(SB)/4, $0x39506967 // p0 1.9875691500e-4
DATA silu5C<>+36(SB)/4, $0x3ab743ce // p1 1.3981999507e-3
DATA silu5C<>+40(SB)/4, $0x3c088908 // p2 8.3334519073e-3
DATA silu5C<>+44(SB)/4, $0x3d2aa9c1 // p3 4.1665795894e-2
DATA silu5C<>+48(SB)/4, $0x3e2aaaaa // p4 1.6666665459e-1
DATA silu5C<>+52(SB)/4, $0x3f000000 // p5 5.0000001201e-1
GLOBL silu5C<>(SB), RODATA|NOPTR, $56

// ONE_PLUS_EXP_NEG_512(x, t, n, p, z, k) sets p = 1 + e^t for t = -x, the
// sixteen values in x (kept), with the constants siluAVX512 loads into
// Z16–Z30; t, n, z and the mask k are scratch. The steps of
// silu_amd64.s's ONE_PLUS_EXP_NEG in 512 bits (so the same roundings),
// except that 2ⁿ scales through VSCALEFPS instead of the exponent bits
// (n ≤ 127 after the clamp: exact either way) and the +Inf of t > 88 is
// merged under the mask k.
#define ONE_PLUS_EXP_NEG_512(x, t, n, p, z, k) \
	VSUBPS       x, Z30, t; \
	VCMPPS       $0x1e, Z16, t, k; \
	VMINPS       t, Z16, t; \
	VMAXPS       t, Z17, t; \
	VMOVAPS      Z19, n; \
	VFMADD231PS  Z18, t, n; \
	VRNDSCALEPS  $1, n, n; \
	VFNMADD231PS Z20, n, t; \
	VFNMADD231PS Z21, n, t; \
	VMULPS       t, t, z; \
	VMOVAPS      Z24, p; \
	VFMADD213PS  Z25, t, p; \
	VFMADD213PS  Z26, t, p; \
	VFMADD213PS  Z27, t, p; \
	VFMADD213PS  Z28, t, p; \
	VFMADD213PS  Z29, t, p; \
	VFMADD213PS  t, z, p; \
	VADDPS       Z22, p, p; \
	VSCALEFPS    n, p, p; \
	VMOVAPS      Z23, k, p; \
	VADDPS       Z22, p, p

// DIV_512(x, d, r, e, k) sets x = x / d within 2 ulps without a division
// (VDIVPS on 512 bits is the loop's bottleneck): r = rcp14(d) (relative
// error < 2⁻¹⁴), one Newton step r += r·(1 - d·r) (< 2⁻²⁷), x = x·r; where
// k says d = +Inf (t > 88), r = 0, so x = -0, or NaN for x = -Inf (x / +Inf).
// Z22 = 1, Z30 = 0; r and e are scratch.
#define DIV_512(x, d, r, e, k) \
	VRCP14PS     d, r; \
	VMOVAPS      Z22, e; \
	VFNMADD231PS r, d, e; \
	VFMADD231PS  e, r, r; \
	VMOVAPS      Z30, k, r; \
	VMULPS       r, x, x

// func siluAVX512(y, x *float32, n int)
// y[i] = x[i] / (1 + e^(-x[i])) for any n (y may be x): siluAVX2's
// arithmetic (but for the division, DIV_512) on 32 values a loop (two independent chains), then blocks of
// 16 with the last one masked (K1).
TEXT ·siluAVX512(SB), NOSPLIT, $0-24
	MOVQ         y+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS silu5C<>+0(SB), Z16
	VBROADCASTSS silu5C<>+4(SB), Z17
	VBROADCASTSS silu5C<>+8(SB), Z18
	VBROADCASTSS silu5C<>+12(SB), Z19
	VBROADCASTSS silu5C<>+16(SB), Z20
	VBROADCASTSS silu5C<>+20(SB), Z21
	VBROADCASTSS silu5C<>+24(SB), Z22
	VBROADCASTSS silu5C<>+28(SB), Z23
	VBROADCASTSS silu5C<>+32(SB), Z24
	VBROADCASTSS silu5C<>+36(SB), Z25
	VBROADCASTSS silu5C<>+40(SB), Z26
	VBROADCASTSS silu5C<>+44(SB), Z27
	VBROADCASTSS silu5C<>+48(SB), Z28
	VBROADCASTSS silu5C<>+52(SB), Z29
	VXORPS       Z30, Z30, Z30
	XORQ         AX, AX             // index of the next value

s5Two:
	MOVQ    CX, DX
	SUBQ    AX, DX
	CMPQ    DX, $32
	JLT     s5One
	VMOVUPS (SI)(AX*4), Z0
	VMOVUPS 64(SI)(AX*4), Z5
	ONE_PLUS_EXP_NEG_512(Z0, Z1, Z2, Z3, Z4, K2)
	ONE_PLUS_EXP_NEG_512(Z5, Z6, Z7, Z8, Z9, K3)
	DIV_512(Z0, Z3, Z1, Z2, K2)
	DIV_512(Z5, Z8, Z6, Z7, K3)
	VMOVUPS Z0, (DI)(AX*4)
	VMOVUPS Z5, 64(DI)(AX*4)
	ADDQ    $32, AX
	JMP     s5Two

s5One:
	CMPQ      DX, $0
	JLE       s5Done
	MOVL      $0xffff, R8
	CMPQ      DX, $16
	JGE       5(PC)
	MOVL      $1, R8
	MOVQ      DX, CX
	SHLL      CX, R8
	DECL      R8
	KMOVW     R8, K1
	VMOVUPS.Z (SI)(AX*4), K1, Z0
	ONE_PLUS_EXP_NEG_512(Z0, Z1, Z2, Z3, Z4, K2)
	DIV_512(Z0, Z3, Z1, Z2, K2)
	VMOVUPS   Z0, K1, (DI)(AX*4)
	ADDQ      $16, AX
	SUBQ      $16, DX
	JMP       s5One

s5Done:
	VZEROUPPER
	RET
