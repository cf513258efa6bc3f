//go:build !unix

package testutil

import "time"

// CPUTime is unavailable here; benchmarks then report 0.
func CPUTime() time.Duration { return 0 }
