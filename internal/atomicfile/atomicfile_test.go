package atomicfile

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	boom := errors.New("boom")
	steps := []struct {
		name    string
		write   string
		fail    error
		want    string
		wantErr bool
	}{
		{"creates", "first", nil, "first", false},
		{"replaces", "second", nil, "second", false},
		{"failure keeps the old file", "half", boom, "second", true},
	}
	for _, s := range steps {
		err := Write(path, func(w io.Writer) error {
			io.WriteString(w, s.write)
			return s.fail
		})
		if (err != nil) != s.wantErr {
			t.Fatalf("%s: error %v", s.name, err)
		}
		got, rerr := os.ReadFile(path)
		if rerr != nil || string(got) != s.want {
			t.Errorf("%s: file holds %q (%v), want %q", s.name, got, rerr, s.want)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("%s: %d entries in the directory, want 1 (no temporary files left)", s.name, len(entries))
		}
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v (%v), want 0644", info.Mode(), err)
	}
}

// TestWriteMissingDirectory: the error named the hidden temporary file
// ("open …/dir/.f.tmp1669669167: no such file or directory"); it names the
// folder now and still unwraps to fs.ErrNotExist.
func TestWriteMissingDirectory(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		dir, want string
		notExist  bool
	}{
		{filepath.Join(root, "no", "such", "dir"), "the folder " + filepath.Join(root, "no", "such", "dir") + " does not exist", true},
		{file, "cannot write in the folder " + file + ": not a directory", false},
	} {
		err := Write(filepath.Join(c.dir, "f"), func(io.Writer) error { return nil })
		if err == nil {
			t.Fatalf("writing into %s succeeded", c.dir)
		}
		if err.Error() != c.want || strings.Contains(err.Error(), ".tmp") || errors.Is(err, fs.ErrNotExist) != c.notExist {
			t.Errorf("error %q (ErrNotExist %v); expected %q (%v)", err, errors.Is(err, fs.ErrNotExist), c.want, c.notExist)
		}
	}
}

// A successful Write removes the temporary files killed writers left for
// the same destination once they are StaleAfter old, and nothing else.
func TestWriteRemovesStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.csv")
	old := time.Now().Add(-2 * StaleAfter)
	files := map[string]bool{ // name → removed
		".m.csv.tmp123":   true,
		".m.csv.tmp456":   false, // fresh: a writer may be at work
		".other.csv.tmp1": false,
		"m.csv.tmp9":      false, // not hidden: not ours
		".m.csv.tmp":      false, // no random part
	}
	for name := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if name != ".m.csv.tmp456" {
			os.Chtimes(p, old, old)
		}
	}
	if err := Write(path, func(w io.Writer) error { _, err := io.WriteString(w, "ok"); return err }); err != nil {
		t.Fatal(err)
	}
	for name, removed := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if gone := os.IsNotExist(err); gone != removed {
			t.Errorf("%s: removed %v, want %v", name, gone, removed)
		}
	}
}
