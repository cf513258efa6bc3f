package app

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestUnsavedTrainingIsNotDroppedSilently: after a run finished, File ▸
// Use Built-in Model, Open Model and Quit replaced the trained model
// ("trained here (unsaved)") without a word. They ask now: Cancel and
// Escape keep it, Discard goes on; once saved, nothing is asked.
func TestUnsavedTrainingIsNotDroppedSilently(t *testing.T) {
	u := newTestUI(t)
	dir := t.TempDir()
	other := filepath.Join(dir, "other.safetensors")
	u.saveModel(other, nil)
	settle(u)
	if u.unsavedTraining() {
		t.Fatalf("a saved model counts as unsaved: %q", u.modelLabel)
	}

	setupTinyTraining(u, "1")
	u.training.cont.SetChecked(true)
	test.Tap(u.training.start)
	settle(u)
	runToEnd(t, u)
	if !u.unsavedTraining() {
		t.Fatalf("after a run the model on screen is %q, not unsaved", u.modelLabel)
	}
	trained := u.ses.Model()
	u.skipDiscardQuestion = false

	for _, c := range []struct {
		name   string
		act    func()
		action string
	}{
		{"open model", func() { u.loadModel(other) }, "Opening other.safetensors now loses its training"},
		{"built-in model", func() { u.useBuiltin("") }, "Using the built-in model now loses its training"},
		{"quit", u.onClose, "Quitting now loses its training"},
	} {
		for _, answer := range []string{"Escape", "Cancel"} {
			c.act()
			settle(u)
			got := strings.ReplaceAll(overlayText(u), "\n", " ")
			if !strings.Contains(got, "Discard the trained model?") || !strings.Contains(got, c.action) {
				t.Fatalf("%s: no question (%q)", c.name, got)
			}
			if answer == "Escape" {
				pressKey(u, fyne.KeyEscape)
			} else {
				tapButton(t, u, "Cancel")
			}
			settle(u)
			if topOverlay(u) != nil || u.ses.Model() != trained {
				t.Fatalf("%s, %s: dialog %q, model %q", c.name, answer, overlayText(u), u.ses.Model().Label)
			}
		}
	}

	// Enter does not discard.
	u.loadModel(other)
	settle(u)
	pressKey(u, fyne.KeyReturn)
	settle(u)
	if u.ses.Model() != trained {
		t.Fatal("Enter discarded the trained model")
	}
	for topOverlay(u) != nil {
		u.win.Canvas().Overlays().Remove(topOverlay(u))
	}

	// Discard goes on.
	u.loadModel(other)
	settle(u)
	tapButton(t, u, "Discard")
	waitUntil(t, u, func() bool { return u.ses.Model() != trained })
	if u.unsavedTraining() || !strings.Contains(u.modelLabel, "other.safetensors") {
		t.Errorf("after Discard the model on screen is %q", u.modelLabel)
	}

	// Saved training asks nothing.
	setupTinyTraining(u, "1")
	test.Tap(u.training.start)
	settle(u)
	runToEnd(t, u)
	u.saveModel(filepath.Join(dir, "trained.safetensors"), nil)
	settle(u)
	u.loadModel(other)
	settle(u)
	if topOverlay(u) != nil {
		t.Errorf("asked about a saved model: %q", overlayText(u))
	}
}
