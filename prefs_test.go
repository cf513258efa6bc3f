package main

import (
	"bytes"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/convscope/convscope/app"
)

// TestPreferencesFileEmptyOrDamaged: Fyne logged "Preferences load error:
// EOF" at startup for an empty preferences file (issue #17 defect 10).
// Each case first shows that Fyne alone complains, then that after
// app.FixPreferences it does not, and what became of the file. Under
// -tags ci Fyne keeps preferences in $TMPDIR/fyne-test/<id>.
func TestPreferencesFileEmptyOrDamaged(t *testing.T) {
	for _, c := range []struct {
		name, content string
		complains     bool // Fyne alone logs a load error
		kept          bool // the file stays
		note          bool
	}{
		{"empty", "", true, false, false},
		{"blank", " \n", true, false, false},
		{"truncated", `{"view.tile": 5`, true, false, true},
		{"fine", `{"view.tile": 56}`, false, true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Not t.TempDir: the Fyne apps' file watchers may still write
			// there while it is removed, which fails the test.
			tmp, err := os.MkdirTemp("", "convscope-prefs")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.RemoveAll(tmp) })
			t.Setenv("TMPDIR", tmp)
			// One app ID before the fix and another after: the first app
			// keeps watching (and may rewrite) its own file.
			pathOf := func(id string) string {
				return filepath.Join(os.TempDir(), "fyne-test", id, "preferences.json")
			}
			write := func(path string) {
				os.MkdirAll(filepath.Dir(path), 0o700)
				if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			start := func(id string) string {
				var buf bytes.Buffer
				log.SetOutput(&buf)
				defer log.SetOutput(os.Stderr)
				fyneapp.NewWithID(id)
				return buf.String()
			}
			const before, after = "io.github.convscope.before", "io.github.convscope.after"
			write(pathOf(before))
			if got := strings.Contains(start(before), "Preferences load error"); got != c.complains {
				t.Fatalf("without the fix, Fyne complains: %v, want %v", got, c.complains)
			}
			path := pathOf(after)
			write(path)
			note := app.FixPreferences(path)
			if logged := start(after); strings.Contains(logged, "Preferences load error") {
				t.Errorf("after FixPreferences Fyne still logs %q", logged)
			}
			if _, err := os.Stat(path); (err == nil) != c.kept {
				t.Errorf("file kept: %v, want %v", err == nil, c.kept)
			}
			if (note != "") != c.note {
				t.Errorf("note %q", note)
			}
			if c.note {
				if b, err := os.ReadFile(path + ".damaged"); err != nil || string(b) != c.content {
					t.Errorf("the damaged file was not kept aside: %q, %v", b, err)
				}
			}
		})
	}
}
