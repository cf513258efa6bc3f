//go:build !amd64 || purego

package nn

import "testing"

// withUseSIMD does nothing: this build has only the Go versions.
func withUseSIMD(t *testing.T, on bool) {}
