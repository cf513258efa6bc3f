package model

import (
	"testing"

	"github.com/convscope/convscope/internal/importrules"
)

// TestImportsBelowSession checks docs/ARCHITECTURE.md's rule for
// internal/model: what the CLI and the app share sits below both, so it
// never imports the session, the CLI, rendering, the app or Fyne.
func TestImportsBelowSession(t *testing.T) {
	bad, err := importrules.Banned(".", "/internal/session", "/internal/cli", "/internal/render", "/convscope/app", "fyne.io/")
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range bad {
		t.Errorf("%s imports %s", imp.File, imp.Path)
	}
}
