//go:build amd64 && !purego

package sgemm

//go:generate go run -C _asm . -out ../kernel_amd64.s -stubs ../stubs_amd64.go -pkg sgemm

// best is the fastest micro-kernel this CPU supports.
var best = selectKernel()

// kernels lists every micro-kernel this CPU can run, fastest first.
func kernels() []kernel {
	var ks []kernel
	if hasAVX512() {
		ks = append(ks, avx512Kernel)
	}
	if hasAVX2FMA() {
		ks = append(ks, avx2Kernel)
	}
	return append(ks, goKernel)
}

func selectKernel() kernel { return kernels()[0] }

// XCR0 bits: the operating system saves and restores these register states.
const (
	xcr0SSE    = 1 << 1
	xcr0AVX    = 1 << 2
	xcr0Opmask = 1 << 5
	xcr0ZMMHi  = 1 << 6 // upper halves of zmm0-15
	xcr0ZMM16  = 1 << 7 // zmm16-31
)

// hasAVX2FMA reports whether the CPU implements AVX2 and FMA and the
// operating system saves the ymm registers.
func hasAVX2FMA() bool {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx2 = 1 << 5
	if ebx7&avx2 == 0 {
		return false
	}
	xcr0, _ := xgetbv()
	return xcr0&(xcr0SSE|xcr0AVX) == xcr0SSE|xcr0AVX
}

// hasAVX512 reports whether the CPU implements AVX-512F and the operating
// system saves the opmask and zmm registers (XCR0 bits 1, 2, 5, 6, 7).
func hasAVX512() bool {
	if !hasAVX2FMA() {
		return false
	}
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const osxsave = 1 << 27
	if ecx1&osxsave == 0 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	const avx512f = 1 << 16
	if ebx7&avx512f == 0 {
		return false
	}
	xcr0, _ := xgetbv()
	const zmmState = xcr0SSE | xcr0AVX | xcr0Opmask | xcr0ZMMHi | xcr0ZMM16
	return xcr0&zmmState == zmmState
}

// avx512Kernel is the AVX-512 micro-kernel: up to 12 rows by 32 columns of
// C held in 24 zmm registers, A broadcast from memory, masked loads and
// stores at the right edge.
var avx512Kernel = kernel{name: "avx512", mr: 12, nr: 32, run: kernelAVX512, runPacked: kernelAVX512Packed, runNext: kernelAVX512Next, runPair: kernelAVX512Pair, pairRows: 7, transpose: transposeAVX512}

// transposeAVX512 is kernel.transpose for avx512Kernel.
func transposeAVX512(dst []float32, ldd int, src []float32, lds, nblk int) {
	if nblk < 1 || len(dst) < (16*nblk-1)*ldd+16 || len(src) < 15*lds+16*nblk {
		panic("sgemm: transpose arguments out of range")
	}
	transpose16AVX512(&dst[0], ldd, &src[0], lds, nblk)
}

// avx512Tiles[layout][nv-1][mr-1] is the tile function for A row-major
// (layout 0) or column-major (layout 1), nv vectors of 16 columns and mr rows.
var avx512Tiles = [2][2][12]func(k int, a *float32, rsa, csa int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, mask uint32){
	{
		{
			kernelAVX512N1x16, kernelAVX512N2x16, kernelAVX512N3x16, kernelAVX512N4x16,
			kernelAVX512N5x16, kernelAVX512N6x16, kernelAVX512N7x16, kernelAVX512N8x16,
			kernelAVX512N9x16, kernelAVX512N10x16, kernelAVX512N11x16, kernelAVX512N12x16,
		},
		{
			kernelAVX512N1x32, kernelAVX512N2x32, kernelAVX512N3x32, kernelAVX512N4x32,
			kernelAVX512N5x32, kernelAVX512N6x32, kernelAVX512N7x32, kernelAVX512N8x32,
			kernelAVX512N9x32, kernelAVX512N10x32, kernelAVX512N11x32, kernelAVX512N12x32,
		},
	},
	{
		{
			kernelAVX512T1x16, kernelAVX512T2x16, kernelAVX512T3x16, kernelAVX512T4x16,
			kernelAVX512T5x16, kernelAVX512T6x16, kernelAVX512T7x16, kernelAVX512T8x16,
			kernelAVX512T9x16, kernelAVX512T10x16, kernelAVX512T11x16, kernelAVX512T12x16,
		},
		{
			kernelAVX512T1x32, kernelAVX512T2x32, kernelAVX512T3x32, kernelAVX512T4x32,
			kernelAVX512T5x32, kernelAVX512T6x32, kernelAVX512T7x32, kernelAVX512T8x32,
			kernelAVX512T9x32, kernelAVX512T10x32, kernelAVX512T11x32, kernelAVX512T12x32,
		},
	},
}

// kernelAVX512 is kernel.run for avx512Kernel. It checks the bounds the
// assembly relies on and picks the tile function for mr rows and nr columns.
func kernelAVX512(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	if mr < 1 || mr > 12 || nr < 1 || nr > 32 || k < 1 ||
		len(a) <= (mr-1)*rsa+(k-1)*csa || len(b) < (k-1)*ldb+nr || len(c) < (mr-1)*ldc+nr {
		panic("sgemm: micro-kernel arguments out of range")
	}
	mask := uint32(1<<nr - 1)
	nv := 0
	if nr > 16 {
		nv = 1
	}
	layout := 0
	if csa != 1 {
		layout = 1
		if rsa != 1 {
			panic("sgemm: A has neither unit row nor unit column stride")
		}
	}
	avx512Tiles[layout][nv][mr-1](k, &a[0], rsa, csa, &b[0], ldb, &c[0], ldc, alpha, beta, mask)
}

// avx512PackedMinRows is the smallest tile with a prefetching kernel
// (prefetchMinRows in _asm/asm.go).
const avx512PackedMinRows = 8

// avx512PackedTiles[nv-1][mr-avx512PackedMinRows] are the "P" tile
// functions: A row-major, B prefetched 8 rows ahead (see _asm/asm.go).
var avx512PackedTiles = [2][12 - avx512PackedMinRows + 1]func(k int, a *float32, rsa, csa int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, mask uint32){
	{kernelAVX512P8x16, kernelAVX512P9x16, kernelAVX512P10x16, kernelAVX512P11x16, kernelAVX512P12x16},
	{kernelAVX512P8x32, kernelAVX512P9x32, kernelAVX512P10x32, kernelAVX512P11x32, kernelAVX512P12x32},
}

// kernelAVX512Packed is kernel.runPacked for avx512Kernel: tiles of
// avx512PackedMinRows rows or more with A row-major take the kernels that
// prefetch B, the rest kernelAVX512.
func kernelAVX512Packed(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	if mr < avx512PackedMinRows || csa != 1 {
		kernelAVX512(mr, nr, k, a, rsa, csa, b, ldb, c, ldc, alpha, beta)
		return
	}
	if mr > 12 || nr < 1 || nr > 32 || k < 1 ||
		len(a) <= (mr-1)*rsa+(k-1)*csa || len(b) < (k-1)*ldb+nr || len(c) < (mr-1)*ldc+nr {
		panic("sgemm: micro-kernel arguments out of range")
	}
	nv := 0
	if nr > 16 {
		nv = 1
	}
	avx512PackedTiles[nv][mr-avx512PackedMinRows](k, &a[0], rsa, csa, &b[0], ldb, &c[0], ldc, alpha, beta, uint32(1<<nr-1))
}

// avx2Kernel is the AVX2+FMA micro-kernel, for x86-64 CPUs without
// AVX-512: up to 6 rows by 16 columns of C in 12 ymm registers. It has no
// masked loads, so B is padded to whole panels, and partial tiles at the
// right edge of C go through a scratch tile.
var avx2Kernel = kernel{name: "avx2", mr: 6, nr: 16, padB: true, run: kernelAVX2}

// avx2Tiles[layout][mr-1] is the AVX2 tile function for A row-major
// (layout 0) or column-major (layout 1) and mr rows.
var avx2Tiles = [2][6]func(k int, a *float32, rsa, csa int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32){
	{kernelAVX2N1x16, kernelAVX2N2x16, kernelAVX2N3x16, kernelAVX2N4x16, kernelAVX2N5x16, kernelAVX2N6x16},
	{kernelAVX2T1x16, kernelAVX2T2x16, kernelAVX2T3x16, kernelAVX2T4x16, kernelAVX2T5x16, kernelAVX2T6x16},
}

// kernelAVX2 is kernel.run for avx2Kernel.
func kernelAVX2(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	if mr < 1 || mr > 6 || nr < 1 || nr > 16 || k < 1 ||
		len(a) <= (mr-1)*rsa+(k-1)*csa || len(b) < (k-1)*ldb+16 || len(c) < (mr-1)*ldc+nr {
		panic("sgemm: micro-kernel arguments out of range")
	}
	layout := 0
	if csa != 1 {
		layout = 1
		if rsa != 1 {
			panic("sgemm: A has neither unit row nor unit column stride")
		}
	}
	tile := avx2Tiles[layout][mr-1]
	if nr == 16 && len(c) >= (mr-1)*ldc+16 {
		tile(k, &a[0], rsa, csa, &b[0], ldb, &c[0], ldc, alpha, beta)
		return
	}
	var t [6 * 16]float32
	tile(k, &a[0], rsa, csa, &b[0], ldb, &t[0], 16, alpha, 0)
	for i := 0; i < mr; i++ {
		row, tr := c[i*ldc:i*ldc+nr], t[i*16:i*16+nr]
		if beta == 0 {
			copy(row, tr)
			continue
		}
		for j, v := range tr {
			row[j] = v + beta*row[j]
		}
	}
}

// avx512NextMinRows is the smallest tile with a Q kernel (nextMinRows in
// _asm/asm.go).
const avx512NextMinRows = 4

// avx512NextTiles[nv-1][mr-avx512NextMinRows] are the "Q" tile functions:
// the P kernels that also prefetch the next block of B (see _asm/asm.go).
var avx512NextTiles = [2][12 - avx512NextMinRows + 1]func(k int, a *float32, rsa, csa int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, mask uint32, pf uintptr){
	{kernelAVX512Q4x16, kernelAVX512Q5x16, kernelAVX512Q6x16, kernelAVX512Q7x16, kernelAVX512Q8x16,
		kernelAVX512Q9x16, kernelAVX512Q10x16, kernelAVX512Q11x16, kernelAVX512Q12x16},
	{kernelAVX512Q4x32, kernelAVX512Q5x32, kernelAVX512Q6x32, kernelAVX512Q7x32, kernelAVX512Q8x32,
		kernelAVX512Q9x32, kernelAVX512Q10x32, kernelAVX512Q11x32, kernelAVX512Q12x32},
}

// kernelAVX512Next is kernel.runNext for avx512Kernel: tiles of
// avx512NextMinRows rows or more with A row-major take the Q kernels,
// the rest kernelAVX512 (no prefetches).
func kernelAVX512Next(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32, pf uintptr) {
	if mr < avx512NextMinRows || csa != 1 {
		kernelAVX512(mr, nr, k, a, rsa, csa, b, ldb, c, ldc, alpha, beta)
		return
	}
	if mr > 12 || nr < 1 || nr > 32 || k < 1 ||
		len(a) <= (mr-1)*rsa+(k-1)*csa || len(b) < (k-1)*ldb+nr || len(c) < (mr-1)*ldc+nr {
		panic("sgemm: micro-kernel arguments out of range")
	}
	nv := 0
	if nr > 16 {
		nv = 1
	}
	avx512NextTiles[nv][mr-avx512NextMinRows](k, &a[0], rsa, csa, &b[0], ldb, &c[0], ldc, alpha, beta, uint32(1<<nr-1), pf)
}

// kernelAVX512Pair is kernel.runPair for avx512Kernel: the R kernel, a
// 14×32 tile in two halves of 7 rows (see _asm/asm.go).
func kernelAVX512Pair(nr, k int, a, a2 []float32, rsa int, b []float32, c, c2 []float32, ldc int, alpha, beta float32, pf uintptr) {
	const h = 7
	if nr < 1 || nr > 32 || k < 1 || rsa < 1 || len(a) < (h-1)*rsa+k || len(a2) < (h-1)*rsa+k ||
		len(b) < (k-1)*32+nr || len(c) < (h-1)*ldc+nr || len(c2) < (h-1)*ldc+nr {
		panic("sgemm: micro-kernel arguments out of range")
	}
	kernelAVX512R14x32(k, &a[0], &a2[0], rsa, &b[0], &c[0], &c2[0], ldc, alpha, beta, uint32(1<<nr-1), pf)
}
