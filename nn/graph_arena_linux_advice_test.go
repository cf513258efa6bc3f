//go:build linux

package nn

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
)

// unadviseHeap takes MADV_HUGEPAGE back from every mapping of the process
// that carries it ("hg" among its VmFlags in /proc/self/smaps), with
// MADV_NOHUGEPAGE ("nh"), and returns a function that gives it back.
//
// TestAdviseHuge needs a Go heap without the flag: it checks that
// outputArena's arena carries "hg", which proves nothing if the heap
// around it carried it already. Every earlier test that runs a graph with
// an output arena of 4 MB or more (graph_forward.go, graph_lean.go) has
// advised a part of the heap; the advice belongs to the mapping, not to
// the Go objects, so it outlives them, and the arena TestAdviseHuge
// allocates reuses that memory. Run alone, the test found a plain heap;
// after those tests (the whole suite, in file order) it found "hg" on a
// plain slice and skipped itself. With the advice taken back first, it
// starts from the same state whatever ran before.
//
// The advice is a hint for the kernel (whether a page fault may map a
// huge page): taking it back for the few milliseconds of the test and
// restoring it changes no value, only, at most, which page size backs
// memory touched meanwhile.
func unadviseHeap(t *testing.T) (restore func()) {
	t.Helper()
	ranges := hugeAdvised(t)
	var bytes uintptr
	for _, r := range ranges {
		if err := madvise(r[0], r[1], syscall.MADV_NOHUGEPAGE); err != nil {
			t.Fatalf("madvise(%#x-%#x, MADV_NOHUGEPAGE): %v", r[0], r[1], err)
		}
		bytes += r[1] - r[0]
	}
	t.Logf("huge-page advice taken back from %d mappings, %d MB", len(ranges), bytes>>20)
	return func() {
		for _, r := range ranges {
			_ = madvise(r[0], r[1], syscall.MADV_HUGEPAGE)
		}
	}
}

// hugeAdvised lists the address ranges [lo, hi) of the mappings whose
// VmFlags hold "hg" (madvise MADV_HUGEPAGE).
func hugeAdvised(t *testing.T) [][2]uintptr {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [][2]uintptr
	var lo, hi uintptr
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if f := strings.Fields(line); len(f) > 0 && !strings.HasSuffix(f[0], ":") {
			if n, _ := fmt.Sscanf(f[0], "%x-%x", &lo, &hi); n != 2 {
				lo, hi = 0, 0
			}
			continue
		}
		if strings.HasPrefix(line, "VmFlags:") && strings.Contains(line+" ", " hg ") && hi > lo {
			out = append(out, [2]uintptr{lo, hi})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// madvise is madvise(2) on the address range [lo, hi), given as numbers:
// the ranges come from /proc/self/smaps, not from Go pointers.
func madvise(lo, hi uintptr, advice int) error {
	if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, uintptr(advice)); e != 0 {
		return e
	}
	return nil
}
