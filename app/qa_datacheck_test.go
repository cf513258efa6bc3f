package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// TestStartChecksDataBeforeAsking: with a trained model on screen and a
// folder that cannot train (one class, no images, missing), Start asked
// "Start from scratch?" and only after the answer said the folder was
// unusable. The folder listing is checked first: the error comes at once
// and nothing is asked; a usable folder still gets the question.
func TestStartChecksDataBeforeAsking(t *testing.T) {
	dir := t.TempDir()
	folder := func(name string, files ...string) string {
		root := filepath.Join(dir, name)
		os.MkdirAll(root, 0o755)
		for _, f := range files {
			p := filepath.Join(root, f)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if filepath.Ext(f) != "" {
				os.WriteFile(p, []byte("x"), 0o644)
			}
		}
		return root
	}
	tests := []struct {
		name, train, val, want string
	}{
		{"one class", folder("one", "cats/a.png"), "", "only one class subfolder"},
		{"empty classes", folder("empty", "cats/x", "dogs/x"), "", "no usable images"},
		{"missing", filepath.Join(dir, "nope"), "", "cannot read folder"},
		{"validation lacks a class", folder("good1", "cats/a.png", "dogs/b.png"), folder("val", "cats/a.png"), `no class subfolder "dogs"`},
		{"usable", folder("good2", "cats/a.png", "dogs/b.png"), "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newTestUI(t)
			u.skipDiscardQuestion = false
			setupTinyTraining(u, "1")
			tp := u.training
			tp.source.SetSelected(dataFolder)
			tp.trainDir.SetText(tt.train)
			tp.valDir.SetText(tt.val)
			test.Tap(tp.start)
			settle(u)
			got := strings.ReplaceAll(overlayText(u), "\n", " ")
			if asked := strings.Contains(got, "Start from scratch?"); asked != (tt.want == "") {
				t.Fatalf("asked %v (%q)", asked, got)
			}
			if tt.want != "" && (!strings.Contains(got, "Cannot start training") || !strings.Contains(got, tt.want)) {
				t.Errorf("dialog %q, want the error %q", got, tt.want)
			}
			if tp.current() != nil {
				t.Error("a run started")
			}
		})
	}
}
