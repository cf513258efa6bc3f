package cli

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImportsNoSession checks docs/ARCHITECTURE.md's rule for the command
// line: it shares internal/model with the app and never imports the app's
// session, the app or Fyne (internal/model checks that it does not either).
func TestImportsNoSession(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
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
			if strings.HasSuffix(p, "/internal/session") || strings.HasSuffix(p, "/convscope/app") || strings.HasPrefix(p, "fyne.io/") {
				t.Errorf("%s imports %s", name, p)
			}
		}
	}
}
