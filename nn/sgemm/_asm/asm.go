// Command asm generates the amd64 assembly of package sgemm with avo:
// the CPU feature probe and the register-blocked AVX-512 micro-kernels.
//
// Run it through go generate in the parent directory:
//
//	go generate ./nn/sgemm
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// maxRows is the number of rows of C (mr) of the largest AVX-512 kernel:
// maxRows×2 accumulators, two pairs of B vectors and four broadcasts use
// all 32 zmm registers.
const maxRows = 12

func main() {
	ConstraintExpr("amd64,!purego")
	cpuid()
	xgetbv()
	transpose16()
	for layout := range 2 {
		for nv := 1; nv <= 2; nv++ {
			for mr := 1; mr <= maxRows; mr++ {
				avx512Kernel(mr, nv, layout, false)
			}
		}
	}
	for nv := 1; nv <= 2; nv++ {
		for mr := prefetchMinRows; mr <= maxRows; mr++ {
			avx512Kernel(mr, nv, rowMajorA, true)
		}
	}
	for nv := 1; nv <= 2; nv++ {
		for mr := nextMinRows; mr <= maxRows; mr++ {
			avx512NextKernel(mr, nv)
		}
	}
	for layout := range 2 {
		for mr := 1; mr <= maxRowsAVX2; mr++ {
			avx2Kernel(mr, layout)
		}
	}
	avx512PairKernel(pairRows)
	Generate()
}

func cpuid() {
	TEXT("cpuid", NOSPLIT, "func(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)")
	Doc("cpuid executes the CPUID instruction with the given EAX and ECX inputs.")
	Load(Param("eaxArg"), EAX)
	Load(Param("ecxArg"), ECX)
	CPUID()
	Store(EAX, Return("eax"))
	Store(EBX, Return("ebx"))
	Store(ECX, Return("ecx"))
	Store(EDX, Return("edx"))
	RET()
}

func xgetbv() {
	TEXT("xgetbv", NOSPLIT, "func() (eax, edx uint32)")
	Doc("xgetbv reads extended control register 0 (XCR0), which says which",
		"register states the operating system saves and restores.")
	XORL(ECX, ECX)
	XGETBV()
	Store(EAX, Return("eax"))
	Store(EDX, Return("edx"))
	RET()
}

// maxRowsAVX2 is mr of the largest AVX2 kernel: 6×2 accumulators, two B
// vectors and two broadcasts use all 16 ymm registers.
const maxRowsAVX2 = 6

// Layouts of A that the kernels specialise on.
const (
	rowMajorA = iota // A[r, p] at a + r·rsa + p: k-contiguous rows (op(A) = A)
	colMajorA        // A[r, p] at a + r + p·csa: row-contiguous columns (op(A) = Aᵀ)
)

// unroll is how many steps of the k loop one iteration of the kernels runs.
const unroll = 4

// The "P" AVX-512 kernels (A row-major, prefetchMinRows rows or more), which
// GemmPacked uses, prefetch (PREFETCHT0) the row of B prefetchRows rank-1
// updates ahead of the one they load, one prefetch per 64-byte vector. At
// batch 1 a deep convolution's packed kernel (ResNet-18's 7×7 layers:
// 9.4 MB) comes from L3 or memory and is used by few rows of A, so the
// kernel waits on B; in the packed layout (rows of one 32-wide panel 128
// bytes apart) 8 rows ahead is 1 KB ahead, further than the hardware
// prefetchers run within a panel. Inside ResNet-18 on one core
// (BenchmarkResNet18Layers, 5 alternating rounds) its 7×7 3×3 layers took
// 21 % less CPU time and the pass 9 %. Sgemm's own products, whose B is
// mostly in L1 or L2 (training), were ≈ 2 % slower with the prefetches, so
// they keep the plain kernels, as do small tiles (few FMAs per prefetch).
const (
	prefetchMinRows = 8
	prefetchRows    = 8
	nextMinRows     = 4
)

// avx512Kernel emits the micro-kernel for an mr×(16·nv) tile of C:
//
//	C[r, j] = alpha·Σ_p A[r, p]·B[p, j] + beta·C[r, j]   (r < mr, j < 16·nv)
//
// A element (r, p) is at a + r·rsa + p·csa, where layout says which of rsa
// and csa is 1 (the other is ignored), and is broadcast from memory, so A
// needs no packing whether it is transposed or not. Row p of B starts at
// b + p·ldb. Column j of B and C takes part only when bit j of mask is set
// (masked loads and stores do not touch memory outside the mask). When beta
// is zero C is not read, so NaNs in C do not propagate.
//
// With prefetch (the "P" kernels, for GemmPacked's packed B) it also
// prefetches B prefetchRows rows ahead (see prefetchRows).
func avx512Kernel(mr, nv, layout int, prefetch bool) {
	kind := []string{"N", "T"}[layout]
	if prefetch {
		kind = "P"
	}
	name := fmt.Sprintf("kernelAVX512%s%dx%d", kind, mr, 16*nv)
	TEXT(name, NOSPLIT, "func(k int, a *float32, rsa, csa int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, mask uint32)")
	Pragma("noescape")
	what := []string{"A row-major (csa = 1)", "A column-major (rsa = 1)"}[layout]
	if prefetch {
		what += ", B prefetched " + fmt.Sprint(prefetchRows) + " rows ahead"
	}
	Doc(fmt.Sprintf("%s computes a %d×%d tile of C = alpha·A·B + beta·C with AVX-512, %s.", name, mr, 16*nv, what))
	avx512Body(mr, nv, layout, prefetch, false)
}

// avx512NextKernel emits the "Q" kernels: the P kernel with one more
// argument, pf, an address in the next block of packed B that GemmPacked
// will multiply by (the next rank-kc block, or the next kernel row's
// first), and two PREFETCHT1s of it (128 bytes) per unrolled iteration of
// the k loop. At batch 1 a deep convolution reads each block of its packed
// kernel from memory in its first row tile and from L2 in the others;
// prefetching the next block spread over all of them overlaps that stream
// with the arithmetic (a burst of prefetches between kernel calls, tried
// before, only moved the stall: BENCHMARKS.md, "the kernel stream").
//
// They start at nextMinRows rows: the padded direct path's tiles of one
// output row of a 7×7 map (GemmPackedRows) have 7.
func avx512NextKernel(mr, nv int) {
	name := fmt.Sprintf("kernelAVX512Q%dx%d", mr, 16*nv)
	TEXT(name, NOSPLIT, "func(k int, a *float32, rsa, csa int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, mask uint32, pf uintptr)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s computes a %d×%d tile of C = alpha·A·B + beta·C with AVX-512, A row-major (csa = 1), B prefetched %d rows ahead, and prefetches 32 bytes of pf per rank-1 update into L2.", name, mr, 16*nv, prefetchRows))
	avx512Body(mr, nv, rowMajorA, true, true)
}

// avx512Body emits the body of avx512Kernel and avx512NextKernel (next:
// the pf prefetches).
func avx512Body(mr, nv, layout int, prefetch, next bool) {
	kn := Load(Param("k"), GP64())

	aAddr, aAdvance := loadA(mr, layout)

	ahead := 0
	if prefetch {
		ahead = prefetchRows
	}
	bAddr, pfAddr, bAdvance := loadB(64, ahead)
	var pfNext Register
	if next {
		pfNext = Load(Param("pf"), GP64())
	}

	mask := Load(Param("mask"), GP32())
	KMOVW(mask, K1)
	if nv == 2 {
		SHRL(U8(16), mask)
		KMOVW(mask, K2)
	}
	masks := []Register{K1, K2}

	acc := func(r, v int) VecPhysical { return zmm(r*nv + v) }
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			VPXORD(acc(r, v), acc(r, v), acc(r, v))
		}
	}

	// step emits rank-1 update u of an unrolled iteration. B rows alternate
	// between two register pairs so that loads run ahead of the FMAs.
	step := func(u int) {
		bv := []VecPhysical{zmm(24 + 2*(u%2)), zmm(25 + 2*(u%2))}
		for v := 0; v < nv; v++ {
			VMOVUPS_Z(bAddr(v, u), masks[v], bv[v])
		}
		if pfAddr != nil {
			for v := 0; v < nv; v++ {
				PREFETCHT0(pfAddr(v, u))
			}
		}
		if next && u%2 == 0 {
			PREFETCHT1(Mem{Base: pfNext, Disp: 64 * (u / 2)})
		}
		for r := 0; r < mr; r++ {
			x := zmm(28 + r%4)
			VBROADCASTSS(aAddr(r, u), x)
			for v := 0; v < nv; v++ {
				VFMADD231PS(bv[v], x, acc(r, v))
			}
		}
	}

	kLoop(kn, step, func(steps int) {
		aAdvance(steps)
		bAdvance(steps)
		if next {
			ADDQ(U32(32*steps), pfNext)
		}
	})

	pc := Load(Param("c"), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(U8(2), ldc)
	alpha, _ := Param("alpha").Resolve()
	beta, _ := Param("beta").Resolve()
	VBROADCASTSS(alpha.Addr, Z26)
	bits := GP32()
	MOVL(beta.Addr, bits)
	TESTL(U32(0x7fffffff), bits)
	JZ(LabelRef("betazero"))

	Comment("C = alpha·acc + beta·C")
	VBROADCASTSS(beta.Addr, Z27)
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			m := Mem{Base: pc, Disp: 64 * v}
			VMOVUPS_Z(m, masks[v], Z28)
			VMULPS(Z27, Z28, Z28)
			VFMADD231PS(Z26, acc(r, v), Z28)
			VMOVUPS(Z28, masks[v], m)
		}
		if r+1 < mr {
			ADDQ(ldc, pc)
		}
	}
	VZEROUPPER()
	RET()

	Label("betazero")
	Comment("C = alpha·acc, C is not read.")
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			VMULPS(Z26, acc(r, v), acc(r, v))
			VMOVUPS(acc(r, v), masks[v], Mem{Base: pc, Disp: 64 * v})
		}
		if r+1 < mr {
			ADDQ(ldc, pc)
		}
	}
	VZEROUPPER()
	RET()
}

// stepAddr addresses base + u·ld for u < 4, with ld3 = 3·ld.
func stepAddr(base, ld, ld3 Register, u int) Mem {
	switch u {
	case 0:
		return Mem{Base: base}
	case 1:
		return Mem{Base: base, Index: ld, Scale: 1}
	case 2:
		return Mem{Base: base, Index: ld, Scale: 2}
	case 3:
		return Mem{Base: base, Index: ld3, Scale: 1}
	}
	panic("stepAddr: u out of range")
}

// zmm returns physical register Zi.
func zmm(i int) VecPhysical {
	return []VecPhysical{
		Z0, Z1, Z2, Z3, Z4, Z5, Z6, Z7, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15,
		Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31,
	}[i]
}

// transpose16 emits the transposing copy that packs a transposed B:
// nblk consecutive 16×16 blocks, block b at src + 16·b (rows lds apart),
// written transposed to dst + 16·b·ldd (rows ldd apart). It is a 4-stage
// shuffle network: 64 shuffles per 256 elements.
func transpose16() {
	TEXT("transpose16AVX512", NOSPLIT, "func(dst *float32, ldd int, src *float32, lds int, nblk int)")
	Pragma("noescape")
	Doc("transpose16AVX512 writes dst[p·ldd + j] = src[j·lds + p] for j, p < 16, for",
		"nblk blocks of 16×16 that are 16 columns apart in src and 16 rows apart in dst.")
	dst := Load(Param("dst"), GP64())
	ldd := Load(Param("ldd"), GP64())
	src := Load(Param("src"), GP64())
	lds := Load(Param("lds"), GP64())
	n := Load(Param("nblk"), GP64())
	SHLQ(U8(2), ldd)
	SHLQ(U8(2), lds)
	lds3 := GP64()
	LEAQ(Mem{Base: lds, Index: lds, Scale: 2}, lds3)
	ldd3 := GP64()
	LEAQ(Mem{Base: ldd, Index: ldd, Scale: 2}, ldd3)
	sp, dp := GP64(), GP64()

	TESTQ(n, n)
	JZ(LabelRef("done"))
	Label("block")
	// Load rows 0..15: row r at src + (r/4)·4·lds + (r%4)·lds.
	MOVQ(src, sp)
	for r := 0; r < 16; r++ {
		VMOVUPS(stepAddr(sp, lds, lds3, r%4), zmm(r))
		if r%4 == 3 && r < 15 {
			LEAQ(Mem{Base: sp, Index: lds, Scale: 4}, sp)
		}
	}
	// Stage 1: interleave rows pairwise (per 128-bit lane).
	for i := 0; i < 16; i += 2 {
		VUNPCKLPS(zmm(i+1), zmm(i), zmm(16+i))
		VUNPCKHPS(zmm(i+1), zmm(i), zmm(16+i+1))
	}
	// Stage 2: interleave pairs of pairs; u[4g+c] holds rows 4g..4g+3 at
	// columns c, c+4, c+8, c+12 in lanes 0..3.
	for g := 0; g < 4; g++ {
		t := 16 + 4*g
		u := 4 * g
		VUNPCKLPD(zmm(t+2), zmm(t), zmm(u))
		VUNPCKHPD(zmm(t+2), zmm(t), zmm(u+1))
		VUNPCKLPD(zmm(t+3), zmm(t+1), zmm(u+2))
		VUNPCKHPD(zmm(t+3), zmm(t+1), zmm(u+3))
	}
	// Stages 3 and 4: gather lane L of the four row groups.
	for c := 0; c < 4; c++ {
		v44, vEE, w44, wEE := zmm(16+4*c), zmm(17+4*c), zmm(18+4*c), zmm(19+4*c)
		VSHUFF32X4(U8(0x44), zmm(4+c), zmm(c), v44)
		VSHUFF32X4(U8(0xEE), zmm(4+c), zmm(c), vEE)
		VSHUFF32X4(U8(0x44), zmm(12+c), zmm(8+c), w44)
		VSHUFF32X4(U8(0xEE), zmm(12+c), zmm(8+c), wEE)
		VSHUFF32X4(U8(0x88), w44, v44, zmm(c))
		VSHUFF32X4(U8(0xDD), w44, v44, zmm(c+4))
		VSHUFF32X4(U8(0x88), wEE, vEE, zmm(c+8))
		VSHUFF32X4(U8(0xDD), wEE, vEE, zmm(c+12))
	}
	// Store: output row p is in zmm(p).
	MOVQ(dst, dp)
	for p := 0; p < 16; p++ {
		VMOVUPS(zmm(p), stepAddr(dp, ldd, ldd3, p%4))
		if p%4 == 3 && p < 15 {
			LEAQ(Mem{Base: dp, Index: ldd, Scale: 4}, dp)
		}
	}
	ADDQ(U32(64), src)
	LEAQ(Mem{Base: dp, Index: ldd, Scale: 4}, dst)
	DECQ(n)
	JNZ(LabelRef("block"))
	Label("done")
	VZEROUPPER()
	RET()
}

// loadA loads the A arguments of a kernel with mr rows and returns aAddr,
// which addresses A[r, p+u] for the current step p and u < unroll, and
// aAdvance, which moves the current step on.
func loadA(mr, layout int) (aAddr func(r, u int) Mem, aAdvance func(steps int)) {
	if layout == rowMajorA {
		// Row r is read through pointer ap[r/3] at offset (r%3)·rs.
		rs := Load(Param("rsa"), GP64())
		SHLQ(U8(2), rs)
		ngroups := (mr + 2) / 3
		ap := make([]GPVirtual, ngroups)
		ap[0] = GP64()
		Load(Param("a"), ap[0])
		if ngroups > 1 {
			rs3 := GP64()
			LEAQ(Mem{Base: rs, Index: rs, Scale: 2}, rs3)
			for g := 1; g < ngroups; g++ {
				ap[g] = GP64()
				LEAQ(Mem{Base: ap[g-1], Index: rs3, Scale: 1}, ap[g])
			}
		}
		aAddr = func(r, u int) Mem {
			m := Mem{Base: ap[r/3], Disp: 4 * u}
			if r%3 > 0 {
				m.Index = rs
				m.Scale = uint8(r % 3)
			}
			return m
		}
		aAdvance = func(steps int) {
			for _, p := range ap {
				ADDQ(U8(4*steps), p)
			}
		}
	} else {
		// Step u of column p+u is at pa + u·cs.
		cs := Load(Param("csa"), GP64())
		SHLQ(U8(2), cs)
		cs3 := GP64()
		LEAQ(Mem{Base: cs, Index: cs, Scale: 2}, cs3)
		pa := Load(Param("a"), GP64())
		aAddr = func(r, u int) Mem { return stepAddr(pa, cs, cs3, u).Offset(4 * r) }
		aAdvance = func(steps int) {
			if steps == 1 {
				ADDQ(cs, pa)
			} else {
				LEAQ(Mem{Base: pa, Index: cs, Scale: uint8(steps)}, pa)
			}
		}
	}

	return aAddr, aAdvance
}

// loadB loads the B arguments of a kernel and returns bAddr, which addresses
// vector v (64-byte units of vbytes) of row p+u of B for the current step p,
// and bAdvance.
//
// With ahead > 0 (1, 2, 4 or 8) it also returns pfAddr, the address of the
// same vector ahead rows of B further on, for software prefetches.
func loadB(vbytes, ahead int) (bAddr, pfAddr func(v, u int) Mem, bAdvance func(steps int)) {
	pb := Load(Param("b"), GP64())
	ldb := Load(Param("ldb"), GP64())
	SHLQ(U8(2), ldb)
	ldb3 := GP64()
	LEAQ(Mem{Base: ldb, Index: ldb, Scale: 2}, ldb3)
	bAddr = func(v, u int) Mem { return stepAddr(pb, ldb, ldb3, u).Offset(vbytes * v) }
	ptrs := []Register{pb}
	if ahead > 0 {
		pf := GP64()
		LEAQ(Mem{Base: pb, Index: ldb, Scale: uint8(ahead)}, pf)
		pfAddr = func(v, u int) Mem { return stepAddr(pf, ldb, ldb3, u).Offset(vbytes * v) }
		ptrs = append(ptrs, pf)
	}
	bAdvance = func(steps int) {
		for _, p := range ptrs {
			if steps == 1 {
				ADDQ(ldb, p)
			} else {
				LEAQ(Mem{Base: p, Index: ldb, Scale: uint8(steps)}, p)
			}
		}
	}
	return bAddr, pfAddr, bAdvance
}

// kLoop emits the k loop: step(u) for u < unroll per iteration, then the
// remaining k mod unroll steps one at a time, then label "store".
func kLoop(kn Register, step func(u int), advance func(steps int)) {
	Comment(fmt.Sprintf("Rank-1 updates, %d per iteration.", unroll))
	nu := GP64()
	MOVQ(kn, nu)
	SHRQ(U8(2), nu)
	JZ(LabelRef("tail"))
	Label("loop")
	for u := 0; u < unroll; u++ {
		step(u)
	}
	advance(unroll)
	DECQ(nu)
	JNZ(LabelRef("loop"))

	Label("tail")
	ANDQ(U8(unroll-1), kn)
	JZ(LabelRef("store"))
	Label("tailloop")
	step(0)
	advance(1)
	DECQ(kn)
	JNZ(LabelRef("tailloop"))
	Label("store")
}

// avx2Kernel emits the AVX2+FMA micro-kernel for an mr×16 tile of C, with
// the contract of avx512Kernel except that there is no mask: all 16 columns
// of B are read and of C are written (callers pad B and go through a
// scratch tile at the right edge).
func avx2Kernel(mr, layout int) {
	name := fmt.Sprintf("kernelAVX2%s%dx16", []string{"N", "T"}[layout], mr)
	TEXT(name, NOSPLIT, "func(k int, a *float32, rsa, csa int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)")
	Pragma("noescape")
	what := []string{"A row-major (csa = 1)", "A column-major (rsa = 1)"}[layout]
	Doc(fmt.Sprintf("%s computes a %d×16 tile of C = alpha·A·B + beta·C with AVX2 and FMA, %s.", name, mr, what))

	kn := Load(Param("k"), GP64())
	aAddr, aAdvance := loadA(mr, layout)
	bAddr, _, bAdvance := loadB(32, 0)

	acc := func(r, v int) VecPhysical { return ymm(2*r + v) }
	for r := 0; r < mr; r++ {
		for v := 0; v < 2; v++ {
			VXORPS(acc(r, v), acc(r, v), acc(r, v))
		}
	}
	kLoop(kn, func(u int) {
		VMOVUPS(bAddr(0, u), Y12)
		VMOVUPS(bAddr(1, u), Y13)
		for r := 0; r < mr; r++ {
			x := ymm(14 + r%2)
			VBROADCASTSS(aAddr(r, u), x)
			VFMADD231PS(Y12, x, acc(r, 0))
			VFMADD231PS(Y13, x, acc(r, 1))
		}
	}, func(steps int) {
		aAdvance(steps)
		bAdvance(steps)
	})

	pc := Load(Param("c"), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(U8(2), ldc)
	alpha, _ := Param("alpha").Resolve()
	beta, _ := Param("beta").Resolve()
	VBROADCASTSS(alpha.Addr, Y12)
	bits := GP32()
	MOVL(beta.Addr, bits)
	TESTL(U32(0x7fffffff), bits)
	JZ(LabelRef("betazero"))

	Comment("C = alpha·acc + beta·C")
	VBROADCASTSS(beta.Addr, Y13)
	for r := 0; r < mr; r++ {
		for v := 0; v < 2; v++ {
			m := Mem{Base: pc, Disp: 32 * v}
			VMULPS(Y12, acc(r, v), acc(r, v))
			VFMADD231PS(m, Y13, acc(r, v))
			VMOVUPS(acc(r, v), m)
		}
		if r+1 < mr {
			ADDQ(ldc, pc)
		}
	}
	VZEROUPPER()
	RET()

	Label("betazero")
	Comment("C = alpha·acc, C is not read.")
	for r := 0; r < mr; r++ {
		for v := 0; v < 2; v++ {
			VMULPS(Y12, acc(r, v), acc(r, v))
			VMOVUPS(acc(r, v), Mem{Base: pc, Disp: 32 * v})
		}
		if r+1 < mr {
			ADDQ(ldc, pc)
		}
	}
	VZEROUPPER()
	RET()
}

// ymm returns physical register Yi.
func ymm(i int) VecPhysical {
	return []VecPhysical{Y0, Y1, Y2, Y3, Y4, Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13, Y14, Y15}[i]
}

// pairRows is the number of rows of each half of the "R" kernel's tile.
const pairRows = 7

// avx512PairKernel emits the "R" kernel: the Q kernel (next-block
// prefetches) for a tile of 2·h rows × 32 columns whose two halves of h
// rows are anywhere in A and C: rows r < h of A at a + r·rsa, rows h + r at
// a2 + r·rsa, and likewise in C at c and c2 (row stride ldc). B is packed
// (ldb = 32, rows of one panel 128 bytes apart). With h = 7, 28 zmm
// accumulators, one B row (two vectors) and two broadcast registers use
// all 32 zmm registers. It serves the runs of output rows that
// GemmPackedRows multiplies: one 14-pixel row of a 14×14 map, or two
// 7-pixel rows of a 7×7 map, where the Q kernels took tiles of 7 rows
// and so read each row of B twice as often (from L2) per FMA.
//
// Each element of C gets the same products in the same order as from
// the Q kernels (one FMA per rank-1 update, k ascending), so the tiles are
// bit for bit those of two Q tiles of h rows.
func avx512PairKernel(h int) {
	name := fmt.Sprintf("kernelAVX512R%dx32", 2*h)
	TEXT(name, NOSPLIT, "func(k int, a *float32, a2 *float32, rsa int, b *float32, c *float32, c2 *float32, ldc int, alpha, beta float32, mask uint32, pf uintptr)")
	Pragma("noescape")
	Doc(fmt.Sprintf("%s computes a %d×32 tile of C = alpha·A·B + beta·C with AVX-512 from two halves of %d rows (A at a and a2, C at c and c2), B packed (32 columns a row), prefetched %d rows ahead, and prefetches 32 bytes of pf per rank-1 update into L2.", name, 2*h, h, prefetchRows))
	const ldb = 32 * 4 // bytes per packed row of B
	kn := Load(Param("k"), GP64())
	rs := Load(Param("rsa"), GP64())
	SHLQ(U8(2), rs)
	rs3 := GP64()
	LEAQ(Mem{Base: rs, Index: rs, Scale: 2}, rs3)
	// Each half: rows 0–2 from p0 (+0, rs, 2rs), 3–5 from p1, 6 at p0 + 2·rs3.
	var ap []GPVirtual
	for _, name := range []string{"a", "a2"} {
		p0 := GP64()
		Load(Param(name), p0)
		p1 := GP64()
		LEAQ(Mem{Base: p0, Index: rs3, Scale: 1}, p1)
		ap = append(ap, p0, p1)
	}
	aAddr := func(r, u int) Mem {
		half, i := r/h, r%h
		p0, p1 := ap[2*half], ap[2*half+1]
		switch {
		case i < 3:
			m := Mem{Base: p0, Disp: 4 * u}
			if i > 0 {
				m.Index, m.Scale = rs, uint8(i)
			}
			return m
		case i < 6:
			m := Mem{Base: p1, Disp: 4 * u}
			if i > 3 {
				m.Index, m.Scale = rs, uint8(i-3)
			}
			return m
		}
		return Mem{Base: p0, Index: rs3, Scale: 2, Disp: 4 * u}
	}
	pb := Load(Param("b"), GP64())
	pfb := GP64()
	LEAQ(Mem{Base: pb, Disp: prefetchRows * ldb}, pfb)
	pfNext := Load(Param("pf"), GP64())
	mask := Load(Param("mask"), GP32())
	KMOVW(mask, K1)
	SHRL(U8(16), mask)
	KMOVW(mask, K2)
	masks := []Register{K1, K2}

	acc := func(r, v int) VecPhysical { return zmm(r*2 + v) }
	for r := 0; r < 2*h; r++ {
		for v := 0; v < 2; v++ {
			VPXORD(acc(r, v), acc(r, v), acc(r, v))
		}
	}
	step := func(u int) {
		bv := []VecPhysical{Z28, Z29}
		for v := 0; v < 2; v++ {
			VMOVUPS_Z(Mem{Base: pb, Disp: u*ldb + 64*v}, masks[v], bv[v])
		}
		for v := 0; v < 2; v++ {
			PREFETCHT0(Mem{Base: pfb, Disp: u*ldb + 64*v})
		}
		if u%2 == 0 {
			PREFETCHT1(Mem{Base: pfNext, Disp: 64 * (u / 2)})
		}
		for r := 0; r < 2*h; r++ {
			x := zmm(30 + r%2)
			VBROADCASTSS(aAddr(r, u), x)
			for v := 0; v < 2; v++ {
				VFMADD231PS(bv[v], x, acc(r, v))
			}
		}
	}
	kLoop(kn, step, func(steps int) {
		for _, p := range ap {
			ADDQ(U8(4*steps), p)
		}
		ADDQ(U32(ldb*steps), pb)
		ADDQ(U32(ldb*steps), pfb)
		ADDQ(U32(32*steps), pfNext)
	})

	ldc := Load(Param("ldc"), GP64())
	SHLQ(U8(2), ldc)
	alpha, _ := Param("alpha").Resolve()
	beta, _ := Param("beta").Resolve()
	VBROADCASTSS(alpha.Addr, Z28)
	bits := GP32()
	MOVL(beta.Addr, bits)
	TESTL(U32(0x7fffffff), bits)
	JZ(LabelRef("betazero"))

	Comment("C = alpha·acc + beta·C")
	VBROADCASTSS(beta.Addr, Z29)
	pc := GP64()
	for half, name := range []string{"c", "c2"} {
		Load(Param(name), pc)
		for i := 0; i < h; i++ {
			r := half*h + i
			for v := 0; v < 2; v++ {
				m := Mem{Base: pc, Disp: 64 * v}
				VMOVUPS_Z(m, masks[v], Z30)
				VMULPS(Z29, Z30, Z30)
				VFMADD231PS(Z28, acc(r, v), Z30)
				VMOVUPS(Z30, masks[v], m)
			}
			if i+1 < h {
				ADDQ(ldc, pc)
			}
		}
	}
	VZEROUPPER()
	RET()

	Label("betazero")
	Comment("C = alpha·acc, C is not read.")
	for half, name := range []string{"c", "c2"} {
		Load(Param(name), pc)
		for i := 0; i < h; i++ {
			r := half*h + i
			for v := 0; v < 2; v++ {
				VMULPS(Z28, acc(r, v), acc(r, v))
				VMOVUPS(acc(r, v), masks[v], Mem{Base: pc, Disp: 64 * v})
			}
			if i+1 < h {
				ADDQ(ldc, pc)
			}
		}
	}
	VZEROUPPER()
	RET()
}
