package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"time"
)

// startProfile starts a CPU profile of the program's start when the
// environment asks for one: CONVSCOPE_CPUPROFILE=FILE writes the profile of
// the first CONVSCOPE_CPUPROFILE_SECONDS (default 3) seconds to FILE (read
// it with `go tool pprof BINARY FILE`). It is how startup's CPU time is
// looked at (BENCHMARKS.md, "Startup"); without the variable it does
// nothing.
func startProfile(getenv func(string) string, stderr io.Writer) {
	path := getenv("CONVSCOPE_CPUPROFILE")
	if path == "" {
		return
	}
	seconds := 3.0
	if s, err := strconv.ParseFloat(getenv("CONVSCOPE_CPUPROFILE_SECONDS"), 64); err == nil && s > 0 {
		seconds = s
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "convscope: CONVSCOPE_CPUPROFILE: %v\n", err)
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(stderr, "convscope: CONVSCOPE_CPUPROFILE: %v\n", err)
		f.Close()
		return
	}
	time.AfterFunc(time.Duration(seconds*float64(time.Second)), func() {
		pprof.StopCPUProfile()
		f.Close()
	})
}
