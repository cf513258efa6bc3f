// Package importrules reads the imports of a package's source files, for
// the tests that enforce docs/ARCHITECTURE.md's rules on which package may
// import which (app/imports_test.go, internal/cli/imports_test.go, …).
package importrules

import (
	"fmt"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
)

// Import is one import of one file.
type Import struct {
	File string // file name, relative to the directory read
	Path string // import path, e.g. "fyne.io/fyne/v2/widget"
}

// Read returns the imports of the non-test .go files in dir.
func Read(dir string) ([]Import, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var out []Import
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			return nil, err
		}
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return nil, fmt.Errorf("%s: import %s: %v", name, imp.Path.Value, err)
			}
			out = append(out, Import{File: filepath.Base(name), Path: p})
		}
	}
	return out, nil
}

// Banned returns the imports of the non-test files in dir whose path
// contains any of the fragments (e.g. "/internal/session", "fyne.io/").
func Banned(dir string, fragments ...string) ([]Import, error) {
	imps, err := Read(dir)
	if err != nil {
		return nil, err
	}
	var bad []Import
	for _, imp := range imps {
		for _, f := range fragments {
			if strings.Contains(imp.Path, f) {
				bad = append(bad, imp)
				break
			}
		}
	}
	return bad, nil
}
