//go:build !linux

package sgemm

import "time"

// threadCPUTime is not available on this platform; benchmarks then report
// wall-clock GFLOP/s only.
func threadCPUTime() time.Duration { return 0 }
