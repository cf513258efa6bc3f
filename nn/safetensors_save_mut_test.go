package nn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSaveFileKeepsMode: a save over an existing file keeps its
// permissions; a new file gets 0644.
func TestSaveFileKeepsMode(t *testing.T) {
	m := smallConvNet(t, 1, 1)
	for _, tt := range []struct {
		name     string
		existing os.FileMode // 0: no file before the save
		want     os.FileMode
	}{
		{"new file", 0, 0o644},
		{"0600 kept", 0o600, 0o600},
		{"0640 kept", 0o640, 0o640},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.safetensors")
			if tt.existing != 0 {
				if err := os.WriteFile(path, []byte("old"), tt.existing); err != nil {
					t.Fatal(err)
				}
				os.Chmod(path, tt.existing) // past the umask
			}
			if err := SaveFile(path, m, Metadata{}); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != tt.want {
				t.Errorf("mode %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSaveFileRelativePath: a bare file name is saved in the current
// directory, its temporary file made there too (not in $TMPDIR), and the
// stale temporaries of the destination's directory are removed, not those
// of the current directory.
func TestSaveFileRelativePath(t *testing.T) {
	m := smallConvNet(t, 1, 1)
	cwd := t.TempDir()
	t.Chdir(cwd)
	t.Setenv("TMPDIR", filepath.Join(cwd, "missing"))
	if err := SaveFile("m.safetensors", m, Metadata{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cwd, "m.safetensors")); err != nil {
		t.Fatal(err)
	}

	// An absolute destination elsewhere: its directory's stale temporary
	// goes, the current directory's same-named one stays.
	other := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	for _, d := range []string{cwd, other} {
		p := filepath.Join(d, ".n.safetensors.1.tmp")
		os.WriteFile(p, []byte("x"), 0o644)
		os.Chtimes(p, old, old)
	}
	if err := SaveFile(filepath.Join(other, "n.safetensors"), m, Metadata{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(other, ".n.safetensors.1.tmp")); !os.IsNotExist(err) {
		t.Errorf("the destination's stale temporary is still there (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(cwd, ".n.safetensors.1.tmp")); err != nil {
		t.Errorf("the current directory's file was removed: %v", err)
	}
	ents, _ := os.ReadDir(cwd)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != ".n.safetensors.1.tmp m.safetensors" {
		t.Errorf("current directory holds %q, want %q", got, ".n.safetensors.1.tmp m.safetensors")
	}
}

// TestRemoveStaleTempsNames: only names with something between the
// prefix and the suffix are temporaries (os.CreateTemp's random part is
// never empty), and only files older than the cutoff go.
func TestRemoveStaleTempsNames(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	files := map[string]bool{ // name → removed
		".m.1.tmp": true,
		".m.x.tmp": true,
		".m..tmp":  false, // prefix and suffix only
		".m.tmp":   false, // prefix and suffix overlap
		".m.tm":    false,
		"m.1.tmp":  false,
	}
	for name := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, old, old)
	}
	os.Mkdir(filepath.Join(dir, ".m.d.tmp"), 0o755) // not a regular file
	os.Chtimes(filepath.Join(dir, ".m.d.tmp"), old, old)
	removeStaleTemps(dir, ".m.", ".tmp", time.Now().Add(-time.Hour))
	for name, removed := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if gone := os.IsNotExist(err); gone != removed {
			t.Errorf("%s: removed %v, want %v", name, gone, removed)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".m.d.tmp")); err != nil {
		t.Errorf("a directory was removed: %v", err)
	}
	// A missing directory is no error and no panic.
	removeStaleTemps(filepath.Join(dir, "missing"), ".m.", ".tmp", time.Now())
}
