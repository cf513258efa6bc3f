package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// setupTinyTraining fills the form for a short run on the current (tiny)
// architecture with the generated dataset, without live activations.
func setupTinyTraining(u *UI, epochs string) {
	tp := u.training
	u.tabs.SelectIndex(1)
	tp.arch.SetSelected(archCurrent)
	tp.epochs.SetText(epochs)
	tp.steps.SetText("4")
	tp.batch.SetText("4")
	tp.valSteps.SetText("2")
	tp.lr.SetText("1e-3")
	tp.live.SetChecked(false)
	settle(u) // the summary is built off the UI goroutine
}

// waitRun pumps the UI queue until cond holds.
func waitRun(t *testing.T, u *UI, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
		pump(u)
	}
}

func TestTrainingRunFeedsPlot(t *testing.T) {
	u := newTestUI(t)
	setupTinyTraining(u, "3")
	tp := u.training
	if !strings.Contains(tp.summary.Text, "Total params") {
		t.Errorf("summary %q", tp.summary.Text)
	}
	test.Tap(tp.start)
	settle(u)
	run := tp.current()
	if run == nil {
		t.Fatalf("training did not start: %q", tp.progress.Text)
	}
	waitRun(t, u, "the run to end", func() bool { return !run.Running() })
	settle(u)
	if n := tp.lossPlot.Points(); n < 3*4 {
		t.Errorf("loss plot has %d points, want ≥ 12 batch points", n)
	}
	if n := tp.accPlot.Points(); n == 0 {
		t.Error("accuracy plot is empty")
	}
	names := []string{}
	for _, s := range tp.lossPlot.Chart().Series {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "loss (batch),loss,val_loss" {
		t.Errorf("loss series %s", got)
	}
	if h := tp.history(); h == nil || h.Len() != 3 {
		t.Errorf("history %v", h)
	}
	if tp.start.Disabled() || !tp.stp.Disabled() {
		t.Error("Start/Stop not reset after the run")
	}
	if !strings.HasPrefix(tp.progress.Text, "Done: 3 epochs.") || strings.Contains(tp.progress.Text, "ETA") {
		t.Errorf("progress %q", tp.progress.Text)
	}
	if m := u.ses.Model(); m.Label != "trained here (unsaved)" || !m.Trained {
		t.Errorf("model after training: %q trained=%v", m.Label, m.Trained)
	}
	if r := tp.lossPlot.Readout(tp.lossPlot.Size().Width / 2); tp.lossPlot.Size().Width > 0 && !strings.Contains(r, "loss") {
		t.Errorf("readout %q", r)
	}
}

func TestTrainingStopAndPause(t *testing.T) {
	u := newTestUI(t)
	setupTinyTraining(u, "100000")
	tp := u.training
	test.Tap(tp.start)
	settle(u)
	run := tp.current()
	if run == nil {
		t.Fatal("training did not start")
	}
	waitRun(t, u, "plot points", func() bool { return tp.lossPlot.Points() > 0 })
	if !tp.start.Disabled() || tp.stp.Disabled() || tp.pause.Disabled() {
		t.Error("Start/Pause/Stop not switched while running")
	}
	test.Tap(tp.pause)
	if !run.Paused() || tp.pause.Text != "Resume" {
		t.Errorf("pause: paused=%v, button %q", run.Paused(), tp.pause.Text)
	}
	tp.showProgress(run.Progress())
	if !strings.HasPrefix(tp.progress.Text, "Paused") || strings.Contains(tp.progress.Text, "ETA") {
		t.Errorf("progress while paused %q", tp.progress.Text)
	}
	test.Tap(tp.pause)
	if run.Paused() || tp.pause.Text != "Pause" {
		t.Errorf("resume: paused=%v, button %q", run.Paused(), tp.pause.Text)
	}
	test.Tap(tp.stp)
	waitRun(t, u, "Stop to end the run", func() bool { return !run.Running() })
	settle(u)
	if res := run.Wait(); !res.Stopped || res.Err != nil {
		t.Errorf("result stopped=%v err=%v", res.Stopped, res.Err)
	}
	if !strings.HasPrefix(tp.progress.Text, "Stopped") || strings.Contains(tp.progress.Text, "ETA") {
		t.Errorf("progress %q", tp.progress.Text)
	}
}

func TestCloseDuringTrainingStopsAndOffersSave(t *testing.T) {
	u := newTestUI(t)
	setupTinyTraining(u, "100000")
	test.Tap(u.training.start)
	settle(u)
	run := u.training.current()
	if run == nil {
		t.Fatal("training did not start")
	}
	u.onClose()
	waitRun(t, u, "the run to stop", func() bool { return !run.Running() })
	settle(u)
	if topOverlay(u) == nil {
		t.Fatal("closing during training did not offer to save")
	}
}

func TestTrainingFormErrors(t *testing.T) {
	u := newTestUI(t)
	tp := u.training
	tp.arch.SetSelected(archCurrent) // the tiny model: quick to build
	reset := func() {
		tp.epochs.SetText("2")
		tp.lr.SetText("1e-4")
		tp.seed.SetText("0")
		tp.valSplit.SetText("0.2")
		tp.source.SetSelected(dataGenerated)
	}
	cases := []struct {
		set  func()
		want string
	}{
		{func() { tp.epochs.SetText("zero") }, "epochs"},
		{func() { tp.lr.SetText("-1") }, "learning rate"},
		{func() { tp.seed.SetText("x") }, "seed"},
		{func() { tp.source.SetSelected(dataFolder); tp.valSplit.SetText("2") }, "validation split"},
		{func() { tp.source.SetSelected(dataFolder) }, "training folder"},
		{func() { tp.source.SetSelected(dataFolder); tp.trainDir.SetText(t.TempDir()) }, "class"},
	}
	for _, c := range cases {
		reset()
		dismissOverlays(u)
		c.set()
		test.Tap(tp.start)
		settle(u)
		if tp.current() != nil {
			t.Fatalf("%s: training started", c.want)
		}
		if topOverlay(u) == nil {
			t.Errorf("%s: no dialog", c.want)
		}
		if !strings.Contains(u.status.Text, c.want) {
			t.Errorf("status %q does not mention %q", u.status.Text, c.want)
		}
		if tp.start.Disabled() {
			t.Errorf("%s: Start stays disabled", c.want)
		}
	}
}

func TestTrainingOnFolders(t *testing.T) {
	dir := t.TempDir()
	for _, class := range []string{"cats", "dogs"} {
		os.MkdirAll(filepath.Join(dir, class), 0o755)
		for i := range 6 {
			writePNG(t, filepath.Join(dir, class), fmt.Sprintf("%s%d.png", class, i), 30+i+len(class), 28)
		}
	}
	os.WriteFile(filepath.Join(dir, "dogs", "empty.png"), nil, 0o644)
	u := newTestUI(t)
	setupTinyTraining(u, "2")
	tp := u.training
	tp.source.SetSelected(dataFolder)
	tp.trainDir.SetText(dir)
	tp.valSplit.SetText("0.3")
	test.Tap(tp.start)
	settle(u)
	run := tp.current()
	if run == nil {
		t.Fatalf("training did not start: %q", u.status.Text)
	}
	waitRun(t, u, "the run to end", func() bool { return !run.Running() })
	settle(u)
	if res := run.Wait(); res.Err != nil || res.History.Len() != 2 {
		t.Fatalf("result %+v", res)
	}
	if got := tp.classes.Text; got != "Classes: cats (0), dogs (1)" {
		t.Errorf("classes %q", got)
	}
	if !strings.Contains(tp.report.Text, "empty.png") {
		t.Errorf("report does not name the bad file: %q", tp.report.Text)
	}
	if m := u.ses.Model(); strings.Join(m.Classes, ",") != "cats,dogs" {
		t.Errorf("model classes %v", m.Classes)
	}
	names := []string{}
	for _, s := range tp.lossPlot.Chart().Series {
		names = append(names, s.Name)
	}
	if !strings.Contains(strings.Join(names, ","), "val_loss") {
		t.Errorf("no validation curve: %v", names)
	}
}

func TestFmtRate(t *testing.T) {
	for v, want := range map[float64]string{1e-4: "1e-4", 1e-3: "0.001", 0.01: "0.01", 2.5e-5: "2.5e-5", 1e-10: "1e-10"} {
		if got := fmtRate(v); got != want {
			t.Errorf("fmtRate(%v) = %q, want %q", v, got, want)
		}
	}
}
