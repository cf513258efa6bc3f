package nn

import "unsafe"

// Every node's output of a Graph lives in one arena (outputArena) backed,
// where the operating system allows it, by 2 MB pages instead of 4 KB
// ones. A forward pass keeps every node's output for the grid (MobileNetV2:
// ≈ 30 MB per image, ResNet-50 ≈ 100 MB), far more than the caches, and
// the kernels write them in NHWC order with strides of a pixel (a 3×3
// depthwise kernel walks each channel block across 64 pixels; a 1×1
// tile stores 6–12 pixels' rows): with 4 KB pages those stores and the
// next node's loads miss the TLB on most pages. With 2 MB pages
// (MADV_HUGEPAGE, then MADV_COLLAPSE for pages already touched: Linux
// only, graph_arena_linux.go) MobileNetV2's forward pass took 10–13 % less
// CPU time on one core (BenchmarkGraphNodes, GRAPH_HUGE; BENCHMARKS.md,
// branch perfmob). Elsewhere, or if the kernel refuses, the arena is
// ordinary memory: nothing but speed depends on it.

// hugePage is the size of a transparent huge page on amd64 and arm64
// (Linux).
const hugePage = 2 << 20

// hugeMinBytes is the smallest arena worth aligning to huge pages (smaller
// graphs' outputs fit in the caches).
const hugeMinBytes = 4 << 20

// hugeArena enables the huge-page arena (benchmarks turn it off to
// compare).
var hugeArena = true

// outputArena returns n zeroed float32 values for a graph's node outputs:
// for n·4 ≥ hugeMinBytes, starting on a huge-page boundary inside a larger
// allocation and advised to use huge pages (adviseHuge).
func outputArena(n int) []float32 {
	if n*4 < hugeMinBytes || !hugeArena {
		return make([]float32, n)
	}
	buf := make([]float32, n+hugePage/4)
	off := 0
	if r := uintptr(unsafe.Pointer(&buf[0])) % hugePage; r != 0 {
		off = int(hugePage-r) / 4
	}
	a := buf[off : off+n : off+n]
	adviseHuge(a)
	return a
}

// arenaTensor cuts a tensor of the given shape from the front of *arena,
// keeping the next one 64-byte aligned (the arena is sized by arenaSize).
func arenaTensor(arena *[]float32, shape []int) *Tensor {
	k := shapeSize(shape)
	t := &Tensor{Shape: append([]int(nil), shape...), Data: (*arena)[:k:k]}
	*arena = (*arena)[min(len(*arena), arenaStep(k)):]
	return t
}

// arenaStep is k values rounded up to whole 64-byte cache lines.
func arenaStep(k int) int { return (k + 15) &^ 15 }
