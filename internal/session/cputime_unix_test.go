//go:build unix

package session

import "syscall"

// cpuSeconds is the user+system CPU time this process has used, or 0 where
// it cannot be read. Benchmarks report work per CPU-second, which unlike
// wall time does not depend on what else the machine is running.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }
	return tv(ru.Utime) + tv(ru.Stime)
}
