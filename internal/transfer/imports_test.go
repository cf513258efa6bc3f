package transfer

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestImports checks docs/ARCHITECTURE.md's rule for this package: it sits
// beside internal/model and never imports the session, the command line,
// rendering, the app or Fyne.
func TestImports(t *testing.T) {
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
			for _, bad := range []string{"/internal/session", "/internal/cli", "/internal/render", "/convscope/app"} {
				if strings.HasSuffix(p, bad) {
					t.Errorf("%s imports %s", name, p)
				}
			}
			if strings.HasPrefix(p, "fyne.io/") {
				t.Errorf("%s imports %s", name, p)
			}
		}
	}
}
