package cli

import (
	"testing"

	"github.com/convscope/convscope/internal/importrules"
)

// TestImportsNoSession checks docs/ARCHITECTURE.md's rule for the command
// line: it shares internal/model with the app and never imports the app's
// session, the app or Fyne (internal/model checks that it does not either).
func TestImportsNoSession(t *testing.T) {
	bad, err := importrules.Banned(".", "/internal/session", "/convscope/app", "fyne.io/")
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range bad {
		t.Errorf("%s imports %s", imp.File, imp.Path)
	}
}
