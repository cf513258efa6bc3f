package nn

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// openFiles counts the process's open file descriptors (/proc/self/fd).
func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(fds)
}

// TestSaveFileClosesEverything: a save leaves no file open — neither the
// temporary file nor the directory opened to make the rename durable — so
// an app that autosaves for hours does not run out of descriptors. The
// garbage collector is off during the saves: an *os.File it finalises
// would close a leaked descriptor and hide the leak.
func TestSaveFileClosesEverything(t *testing.T) {
	m := smallConvNet(t, 1, 1)
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	if err := SaveFile(path, m, Metadata{}); err != nil { // warm-up: lazy descriptors
		t.Fatal(err)
	}
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	const saves = 8
	before := openFiles(t)
	for range saves {
		if err := SaveFile(path, m, Metadata{}); err != nil {
			t.Fatal(err)
		}
	}
	if after := openFiles(t); after > before {
		t.Errorf("%d files open after %d saves, %d before", after, saves, before)
	}
}
