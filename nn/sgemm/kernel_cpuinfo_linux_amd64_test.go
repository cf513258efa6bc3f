//go:build !purego

package sgemm

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestKernelMatchesCPUInfo checks the CPUID and XGETBV feature tests
// (hasAVX2FMA, hasAVX512) and the kernel choice against Linux's own
// reading of the CPU: the flags line of /proc/cpuinfo, from which the
// kernel removes avx, avx2 and avx512f when the operating system does
// not save their registers (so the flags already fold in XCR0). A
// feature test that answered wrong would still pass every product test,
// on a slower kernel; this one sees it.
func TestKernelMatchesCPUInfo(t *testing.T) {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		t.Skip(err)
	}
	var flags []string
	for _, line := range strings.Split(string(data), "\n") {
		if name, val, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(name) == "flags" {
			flags = strings.Fields(val)
			break
		}
	}
	if flags == nil {
		t.Skip("no flags line in /proc/cpuinfo")
	}
	has := func(f string) bool { return slices.Contains(flags, f) }
	avx2 := has("avx") && has("avx2") && has("fma")
	avx512 := avx2 && has("avx512f")
	if got := hasAVX2FMA(); got != avx2 {
		t.Errorf("hasAVX2FMA() = %v, expected %v (/proc/cpuinfo: avx %v, avx2 %v, fma %v)", got, avx2, has("avx"), has("avx2"), has("fma"))
	}
	if got := hasAVX512(); got != avx512 {
		t.Errorf("hasAVX512() = %v, expected %v (/proc/cpuinfo: avx512f %v)", got, avx512, has("avx512f"))
	}
	var want []string
	if avx512 {
		want = append(want, "avx512")
	}
	if avx2 {
		want = append(want, "avx2")
	}
	want = append(want, "go")
	var got []string
	for _, k := range kernels() {
		got = append(got, k.name)
	}
	if !slices.Equal(got, want) {
		t.Errorf("kernels() = %v, expected %v", got, want)
	}
	if Kernel() != want[0] {
		t.Errorf("Kernel() = %q, expected %q", Kernel(), want[0])
	}
}
