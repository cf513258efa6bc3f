package nn

import (
	"testing"
	"unsafe"
)

// TestOutputArenaThreshold checks where the huge-page arena starts: an
// arena of exactly hugeMinBytes starts on a huge-page boundary, and
// arenaStep rounds a tensor up to whole 64-byte lines.
func TestOutputArenaThreshold(t *testing.T) {
	if !hugeArena {
		t.Fatal("hugeArena is off")
	}
	for _, n := range []int{hugeMinBytes / 4, hugeMinBytes/4 + 1, 3 * hugePage / 4} {
		a := outputArena(n)
		if len(a) != n || cap(a) != n {
			t.Errorf("%d values: len %d cap %d", n, len(a), cap(a))
		}
		if p := uintptr(unsafe.Pointer(&a[0])); p%hugePage != 0 {
			t.Errorf("%d values (%d bytes) at %#x, expected a multiple of %#x", n, 4*n, p, hugePage)
		}
	}
	for _, tt := range []struct{ k, want int }{{0, 0}, {1, 16}, {15, 16}, {16, 16}, {17, 32}, {100, 112}} {
		if got := arenaStep(tt.k); got != tt.want {
			t.Errorf("arenaStep(%d) = %d, expected %d", tt.k, got, tt.want)
		}
	}
}
