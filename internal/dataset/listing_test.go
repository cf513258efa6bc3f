package dataset

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckListing: the listing-only checks give ScanDir's errors for
// folders that cannot train, and none for one that can (its files are
// never opened: they need not even be images).
func TestCheckListing(t *testing.T) {
	dir := t.TempDir()
	mk := func(files ...string) string {
		root, err := os.MkdirTemp(dir, "d")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			p := filepath.Join(root, filepath.FromSlash(f))
			folder := filepath.Dir(p)
			if strings.HasSuffix(f, "/") {
				folder = p
			}
			if err := os.MkdirAll(folder, 0o755); err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(f, "/") {
				if err := os.WriteFile(p, []byte("not read"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		return root
	}
	tests := []struct {
		name string
		dir  string
		opts Options
		want string // "" passes
	}{
		{"missing", filepath.Join(dir, "nope"), Options{}, "cannot read folder"},
		{"empty", mk(), Options{}, "has no subfolders"},
		{"one class", mk("cats/a.png"), Options{}, "has only one class subfolder (cats)"},
		{"no images", mk("cats/", "dogs/"), Options{}, "has no usable images"},
		{"a class without images", mk("cats/a.png", "dogs/notes.txt"), Options{}, "dogs has no usable images"},
		{"three classes, binary", mk("a/1.png", "b/1.png", "c/1.png"), Options{ClassMode: Binary}, "needs exactly 2 class subfolders"},
		{"missing validation class", mk("cats/a.png"), Options{Classes: []string{"cats", "dogs"}}, `no class subfolder "dogs"`},
		{"two classes", mk("cats/a.png", "dogs/sub/b.JPG"), Options{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			classes, err := CheckListing(tt.dir, tt.opts)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
			if err == nil && strings.Join(classes, ",") != "cats,dogs" {
				t.Errorf("classes %v, want cats, dogs", classes)
			}
		})
	}
}
