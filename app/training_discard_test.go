package app

import (
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// kernel0 copies the first layer's kernel of the model on screen.
func kernel0(t *testing.T, u *UI) []float32 {
	t.Helper()
	w, _, ok := u.ses.Model().Kernel(0)
	if !ok {
		t.Fatal("the model on screen has no first kernel")
	}
	return append([]float32(nil), w...)
}

func meanAbsDiff(a, b []float32) float64 {
	s := 0.0
	for i := range a {
		s += math.Abs(float64(a[i] - b[i]))
	}
	return s / float64(len(a))
}

// tapButton taps the button labelled text in the top dialog.
func tapButton(t *testing.T, u *UI, text string) {
	t.Helper()
	for _, o := range test.LaidOutObjects(topOverlay(u)) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			test.Tap(b)
			settle(u)
			return
		}
	}
	t.Fatalf("no %q button in %q", text, overlayText(u))
}

// runToEnd waits for the run started last and returns nothing until it ended.
func runToEnd(t *testing.T, u *UI) {
	t.Helper()
	run := u.training.current()
	if run == nil {
		t.Fatalf("no run started: %q", u.training.progress.Text)
	}
	waitRun(t, u, "the run to end", func() bool { return !run.Running() })
	settle(u)
}

// TestStartAsksBeforeDiscarding: Start on a trained model with "Continue
// from the current weights" off asked nothing and replaced the weights
// (issue #17 defect 8: the prediction fell to 51 %). It asks now:
// Continue training (ticks the box; the weights move a little), Start
// from scratch (fresh weights), Cancel or Escape (nothing happens).
func TestStartAsksBeforeDiscarding(t *testing.T) {
	u := newTestUI(t)
	u.skipDiscardQuestion = false
	setupTinyTraining(u, "1")
	tp := u.training
	before := kernel0(t, u)

	test.Tap(tp.start)
	settle(u)
	got := overlayText(u)
	for _, want := range []string{"Start from scratch?", "tiny test model", "Continue training", "Start from scratch\n", "Cancel"} {
		if !strings.Contains(got, want) {
			t.Errorf("question %q lacks %q", got, want)
		}
	}
	if tp.current() != nil {
		t.Fatal("the run started before the answer")
	}
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if topOverlay(u) != nil || tp.current() != nil || u.ses.Model().Label != "tiny test model" {
		t.Fatalf("Escape: dialog %q, run %v, model %q", overlayText(u), tp.current(), u.ses.Model().Label)
	}

	// Continue training: from the model's weights, and the box is ticked.
	test.Tap(tp.start)
	settle(u)
	tapButton(t, u, "Continue training")
	runToEnd(t, u)
	if !tp.cont.Checked {
		t.Error("Continue training did not tick \"Continue from the current weights\"")
	}
	cont := kernel0(t, u)
	if d := meanAbsDiff(before, cont); d == 0 || d > 0.05 {
		t.Errorf("continued weights moved by %.4f on average; want a small step from the model's", d)
	}

	// The box ticked: the next Start continues without asking.
	test.Tap(tp.start)
	settle(u)
	if topOverlay(u) != nil {
		t.Fatalf("asked again with the box ticked: %q", overlayText(u))
	}
	runToEnd(t, u)
	again := kernel0(t, u)

	// Start from scratch: fresh weights from the seed.
	tp.cont.SetChecked(false)
	test.Tap(tp.start)
	settle(u)
	tapButton(t, u, "Start from scratch")
	runToEnd(t, u)
	if d := meanAbsDiff(again, kernel0(t, u)); d < 0.05 {
		t.Errorf("from scratch, the weights moved by only %.4f on average: not fresh", d)
	}
}

// TestStartQuestionAnswersKeys: Enter gives the question's highlighted
// answer, Continue training (it did nothing: Fyne's dialogs take no keys),
// and Escape cancels.
func TestStartQuestionAnswersKeys(t *testing.T) {
	u := newTestUI(t)
	u.skipDiscardQuestion = false
	setupTinyTraining(u, "1")
	tp := u.training
	for _, key := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEnter} {
		tp.cont.SetChecked(false)
		test.Tap(tp.start)
		settle(u)
		if !strings.Contains(overlayText(u), "Start from scratch?") {
			t.Fatalf("no question: %q", overlayText(u))
		}
		pressKey(u, key)
		settle(u)
		if topOverlay(u) != nil {
			t.Fatalf("%s: the question stays: %q", key, overlayText(u))
		}
		if tp.current() == nil || !tp.cont.Checked {
			t.Fatalf("%s: run %v, continue ticked %v; want Continue training", key, tp.current(), tp.cont.Checked)
		}
		runToEnd(t, u)
	}
}
