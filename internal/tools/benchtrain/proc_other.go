//go:build !linux

package main

import (
	"errors"
	"time"
)

// cpuTime is not measured on this platform.
func cpuTime() time.Duration { return 0 }

// peakRSS is Linux only (it reads /proc/self/status).
func peakRSS() (int64, error) { return 0, errors.New("peak RSS is measured on Linux only") }
