package onnx

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used, on all its threads:
// benchmarks report it next to wall time, which a shared machine inflates.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
