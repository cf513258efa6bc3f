package app

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsOnlySession checks docs/ARCHITECTURE.md's rule for app: Fyne,
// assets, internal/session and the standard library, nothing else.
func TestImportsOnlySession(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	allowed := func(p string) bool {
		switch {
		case strings.HasPrefix(p, "fyne.io/fyne/v2"),
			p == "github.com/convscope/convscope/assets",
			p == "github.com/convscope/convscope/internal/session":
			return true
		}
		return !strings.Contains(strings.Split(p, "/")[0], ".") // standard library
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if !allowed(p) {
				t.Errorf("%s imports %s: app may import only Fyne, assets, internal/session and the standard library", name, p)
			}
		}
	}
}
