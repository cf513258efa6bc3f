package transfer

import (
	"testing"

	"github.com/convscope/convscope/internal/importrules"
)

// TestImports checks docs/ARCHITECTURE.md's rule for this package: it sits
// beside internal/model and never imports the session, the command line,
// rendering, the app or Fyne.
func TestImports(t *testing.T) {
	bad, err := importrules.Banned(".", "/internal/session", "/internal/cli", "/internal/render", "/convscope/app", "fyne.io/")
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range bad {
		t.Errorf("%s imports %s", imp.File, imp.Path)
	}
}
