package app

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/nn"
)

// findButton returns the button labelled text in o's widget tree, or nil.
func findButton(o fyne.CanvasObject, text string) *widget.Button {
	switch w := o.(type) {
	case *widget.Button:
		if w.Text == text {
			return w
		}
	case *fyne.Container:
		for _, c := range w.Objects {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
		return nil
	}
	if w, ok := o.(fyne.Widget); ok {
		for _, c := range test.WidgetRenderer(w).Objects() {
			if b := findButton(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}

func weightsOf(net *nn.Sequential) []float32 {
	var w []float32
	for _, p := range net.Params() {
		w = append(w, p.Value...)
	}
	return w
}

// A run the app did not see end (killed after an epoch-end autosave) is
// offered at the next start and, resumed, ends with the weights of the
// uninterrupted run; a run that ends in the app leaves no autosave.
func TestAutosaveOffersResume(t *testing.T) {
	u := newTestUI(t)
	path := u.autosavePath()
	if path == "" {
		t.Fatal("no app storage for the autosave")
	}
	runToEnd := func() {
		test.Tap(u.training.start)
		settle(u)
		run := u.training.current()
		if run == nil {
			t.Fatalf("training did not start: %q", u.training.progress.Text)
		}
		waitRun(t, u, "the run to end", func() bool { return !run.Running() })
		settle(u)
	}
	setupTinyTraining(u, "3")
	u.training.steps.SetText("40") // epochs long enough to catch an autosave mid-run
	runToEnd()
	want := weightsOf(u.ses.Model().Net)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a finished run left its autosave: %v", err)
	}

	// The same run, "killed" once an epoch-end autosave exists: keep a
	// copy of the file, stop the run (which removes it), put the copy back.
	setupTinyTraining(u, "3")
	u.training.steps.SetText("40")
	test.Tap(u.training.start)
	settle(u)
	run := u.training.current()
	// Poll without pumping the UI queue: the app removes the autosave when
	// it sees the run end, which happens only in pump.
	var saved []byte
	for deadline := time.Now().Add(60 * time.Second); saved == nil; time.Sleep(time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil {
			saved = b
		} else if time.Now().After(deadline) {
			t.Fatal("no autosave within a minute")
		}
	}
	test.Tap(u.training.stp)
	waitRun(t, u, "the run to stop", func() bool { return !run.Running() })
	settle(u)
	if err := os.WriteFile(path, saved, 0o644); err != nil {
		t.Fatal(err)
	}
	setupTinyTraining(u, "99") // the form changes; resuming restores it
	if _, _, ck, err := nn.LoadCheckpoint(path); err != nil || ck.Progress.Epoch >= 3 {
		t.Fatalf("the autosave caught: %v, %+v", err, ck)
	}

	u.offerResume()
	settle(u)
	top := topOverlay(u)
	if top == nil {
		t.Fatal("no offer to resume")
	}
	yes := findButton(top, "Yes")
	if yes == nil {
		t.Fatal("the offer has no Yes button")
	}
	test.Tap(yes)
	settle(u)
	run = u.training.current()
	if run == nil || u.training.epochs.Text != "3" || u.training.steps.Text != "40" {
		t.Fatalf("no resumed run (epochs field %q, progress %q)", u.training.epochs.Text, u.training.progress.Text)
	}
	waitRun(t, u, "the resumed run to end", func() bool { return !run.Running() })
	settle(u)
	got := weightsOf(u.ses.Model().Net)
	if len(got) != len(want) {
		t.Fatalf("%d weights, want %d", len(got), len(want))
	}
	for i := range got {
		if d := got[i] - want[i]; d > 1e-6 || d < -1e-6 {
			t.Fatalf("weight %d: resumed %v, uninterrupted %v", i, got[i], want[i])
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the resumed run left its autosave: %v", err)
	}
}

// A loaded model's stored history is plotted (issue #17 defect 8).
func TestLoadedModelHistoryPlotted(t *testing.T) {
	u := newTestUI(t)
	m := tinyModel(t)
	h := &nn.History{}
	for e := range 3 {
		h.Append(e, []string{"loss", "accuracy"}, []float64{0.7 - 0.1*float64(e), 0.5 + 0.1*float64(e)})
	}
	m.Meta.History = h
	m.Label = "shapes.safetensors"
	u.ses.SetModel(m)
	u.modelChanged()
	settle(u)
	if n := u.training.lossPlot.Points(); n != 3 {
		t.Errorf("loss plot has %d points, want the 3 stored epochs", n)
	}
	if !strings.Contains(u.training.progress.Text, "training history of shapes.safetensors: 3 epochs") {
		t.Errorf("progress %q", u.training.progress.Text)
	}
}

// The model on screen at start has its stored history plotted too (the
// built-in model's ten epochs showed "no data yet"), and a stored history
// clears an earlier run's progress bar (it stayed at 6 %).
func TestStartupModelHistoryPlotted(t *testing.T) {
	m := tinyModel(t)
	h := &nn.History{}
	for e := range 4 {
		h.Append(e, []string{"loss", "accuracy"}, []float64{0.7 - 0.1*float64(e), 0.5 + 0.1*float64(e)})
	}
	m.Meta.History = h
	u := newTestUIWith(t, m, nil)
	if n := u.training.lossPlot.Points(); n != 4 {
		t.Errorf("at start the loss plot has %d points, want the 4 stored epochs", n)
	}
	u.training.bar.SetValue(0.06)
	u.ses.SetModel(m)
	u.modelChanged()
	if v := u.training.bar.Value; v != 0 {
		t.Errorf("progress bar at %v under a stored history's plots", v)
	}
}
