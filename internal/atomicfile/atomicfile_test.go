package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
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

func TestWriteMissingDirectory(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "no", "such", "dir", "f"), func(io.Writer) error { return nil })
	if err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}
