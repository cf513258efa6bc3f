package app

import (
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/importrules"
)

// TestImportsOnlySession checks docs/ARCHITECTURE.md's rule for app: Fyne,
// assets, internal/session and the standard library, nothing else.
func TestImportsOnlySession(t *testing.T) {
	imps, err := importrules.Read(".")
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
	for _, imp := range imps {
		if !allowed(imp.Path) {
			t.Errorf("%s imports %s: app may import only Fyne, assets, internal/session and the standard library", imp.File, imp.Path)
		}
	}
}
