package nn

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoPackageState checks, by parsing the source, that nn and its
// subpackages have no init function and no exported package variables
// other than error values: importing nn changes nothing in the program
// (not gonum's blas32, not the environment), and everything a user can
// tune lives in values (Engine) rather than in package state.
func TestNoPackageState(t *testing.T) {
	dirs := []string{"."}
	ents, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() && e.Name() != "testdata" && !strings.HasPrefix(e.Name(), "_") {
			dirs = append(dirs, e.Name())
		}
	}
	files := 0
	for _, dir := range dirs {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, path := range paths {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			files++
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil && d.Name.Name == "init" {
						t.Errorf("%s: func init: importing the package must have no side effects", path)
					}
				case *ast.GenDecl:
					if d.Tok != token.VAR {
						continue
					}
					for _, s := range d.Specs {
						vs := s.(*ast.ValueSpec)
						for i, name := range vs.Names {
							if name.IsExported() && !isErrorValue(vs, i) {
								t.Errorf("%s: exported package variable %s: only error values may be package variables", path, name.Name)
							}
						}
					}
				}
			}
		}
	}
	if files < 20 {
		t.Fatalf("parsed only %d files: wrong directory?", files)
	}
}

// isErrorValue reports whether the i-th variable of vs is declared as an
// error or initialised by errors.New or fmt.Errorf.
func isErrorValue(vs *ast.ValueSpec, i int) bool {
	if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "error" {
		return true
	}
	if i >= len(vs.Values) {
		return false
	}
	call, ok := vs.Values[i].(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && (pkg.Name == "errors" && sel.Sel.Name == "New" || pkg.Name == "fmt" && sel.Sel.Name == "Errorf")
}
