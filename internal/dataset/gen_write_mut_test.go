package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A file that cannot be written stops WriteTree and WriteTutorialTree with
// an error naming it: here a folder already sits where an image should go
// (a rename cannot replace a non-empty folder, even for root, so the case
// holds whatever the user's permissions). The file is the first of its
// class in the tree; the other images may or may not be written.
func TestGeneratedWriteTreeFails(t *testing.T) {
	g := mustGen(t, GenOptions{Seed: 3, Size: 16})
	class := g.Classes()[g.Class(0)]
	for _, c := range []struct {
		name  string
		write func(dir string) error
		block string // the path made a non-empty folder, under dir
	}{
		{"WriteTree", func(dir string) error { return g.WriteTree(dir, 0, 3) },
			filepath.Join(class, class+".000000.png")},
		{"WriteTutorialTree", func(dir string) error { return g.WriteTutorialTree(dir, 1, 1, 1) },
			filepath.Join("validation", g.Classes()[g.Class(1)], g.Classes()[g.Class(1)]+".000001.png")},
	} {
		dir := t.TempDir()
		block := filepath.Join(dir, c.block)
		if err := os.MkdirAll(filepath.Join(block, "x"), 0o755); err != nil {
			t.Fatal(err)
		}
		err := c.write(dir)
		if err == nil || !strings.Contains(err.Error(), "cannot write") || !strings.Contains(err.Error(), block) {
			t.Errorf("%s with %s a folder: error %v, want one naming it", c.name, c.block, err)
		}
	}
}
