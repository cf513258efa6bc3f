package model

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsBelowSession checks docs/ARCHITECTURE.md's rule for
// internal/model: what the CLI and the app share sits below both, so it
// never imports the session, the CLI, rendering, the app or Fyne.
func TestImportsBelowSession(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	banned := []string{"/internal/session", "/internal/cli", "/internal/render", "/convscope/app", "fyne.io/"}
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
			for _, b := range banned {
				if strings.Contains(p, b) {
					t.Errorf("%s imports %s", name, p)
				}
			}
		}
	}
}
