//go:build linux

package nn

import (
	"syscall"
	"unsafe"
)

// madvCollapse is Linux's MADV_COLLAPSE (6.1 and later): make huge pages
// of the range's already-touched 4 KB pages now.
const madvCollapse = 25

// adviseHuge asks Linux to back the whole huge pages of a with huge pages:
// MADV_HUGEPAGE for pages not touched yet, MADV_COLLAPSE for those the Go
// runtime has touched already (reused memory it zeroed). Both are hints:
// errors (an older kernel, transparent huge pages disabled) are ignored.
func adviseHuge(a []float32) {
	if len(a)*4 < hugePage {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&a[0])), len(a)*4)
	b = b[:len(b)&^(hugePage-1)]
	_ = syscall.Madvise(b, syscall.MADV_HUGEPAGE)
	_ = syscall.Madvise(b, madvCollapse)
}
