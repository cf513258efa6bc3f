//go:build linux

package nn

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"
	"unsafe"
)

// vmFlags returns the VmFlags line of /proc/self/smaps for the mapping that
// holds address p.
func vmFlags(t *testing.T, p uintptr) string {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if f := strings.Fields(line); len(f) > 0 && !strings.HasSuffix(f[0], ":") {
			var lo, hi uintptr
			if n, _ := fmt.Sscanf(f[0], "%x-%x", &lo, &hi); n == 2 {
				in = lo <= p && p < hi
			}
			continue
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			return line
		}
	}
	t.Fatalf("no mapping holds %#x", p)
	return ""
}

// TestAdviseHuge checks that adviseHuge marks every whole huge page of a
// large arena for huge pages (madvise MADV_HUGEPAGE: "hg" among the
// mapping's VmFlags), up to the last one, also for a slice of exactly one
// huge page. A plain slice of the heap must not carry the flag, or the
// test could not tell: earlier tests' arenas leave the flag on the heap,
// so it is first taken back (unadviseHeap, graph_arena_linux_advice_test.go)
// and the test runs whatever ran before it.
func TestAdviseHuge(t *testing.T) {
	defer unadviseHeap(t)()
	plain := make([]float32, 3*hugePage/4+1000)
	if fl := vmFlags(t, uintptr(unsafe.Pointer(&plain[len(plain)/2]))); strings.Contains(fl, " hg") {
		t.Fatalf("a plain slice of the Go heap is advised for huge pages (%s) after unadviseHeap: nothing to tell apart", fl)
	}
	for _, n := range []int{3*hugePage/4 + 1000, hugeMinBytes / 4} {
		a := outputArena(n)
		whole := len(a) * 4 &^ (hugePage - 1)
		for _, off := range []int{0, whole - 4} {
			p := uintptr(unsafe.Pointer(&a[0])) + uintptr(off)
			if fl := vmFlags(t, p); !strings.Contains(fl, " hg") {
				t.Errorf("%d values: byte %d of the arena not advised: %s", n, off, fl)
			}
		}
	}
	// Exactly one huge page, aligned by hand in a plain slice.
	buf := make([]float32, hugePage/2)
	off := 0
	if r := uintptr(unsafe.Pointer(&buf[0])) % hugePage; r != 0 {
		off = int(hugePage-r) / 4
	}
	one := buf[off : off+hugePage/4]
	adviseHuge(one)
	for _, i := range []int{0, len(one) - 1} {
		if fl := vmFlags(t, uintptr(unsafe.Pointer(&one[i]))); !strings.Contains(fl, " hg") {
			t.Errorf("one huge page: value %d not advised: %s", i, fl)
		}
	}
}
