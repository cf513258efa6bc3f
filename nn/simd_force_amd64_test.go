//go:build amd64 && !purego

package nn

import "testing"

// withUseSIMD sets useSIMD for one test (false forces the Go versions of
// the vector loops on a machine with AVX2) and restores it afterwards. The
// tests that call it are not parallel.
func withUseSIMD(t *testing.T, on bool) {
	old := useSIMD
	useSIMD = on && old
	t.Cleanup(func() { useSIMD = old })
}
