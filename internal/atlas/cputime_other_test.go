//go:build !unix

package atlas

import "time"

func cpuTime() time.Duration { return 0 }
