package session

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/convscope/convscope/internal/transfer"
)

// runTransfer starts a transfer run from a 16-pixel tiny model on screen
// and waits for its end; onStart runs as OnStart does, with the run.
func runTransfer(t *testing.T, req TransferRequest, onStart func(*Training)) (*harness, Progress, TrainResult) {
	t.Helper()
	h := newHarness(t, tinyModel(t, 16))
	h.Open("a", "", loaderOf(testImage(16, 16, 1)))
	h.settle()
	var last Progress
	var result *TrainResult
	h.TrainTransfer(req, RunCallbacks{
		OnStart: func(r *Training, d *Data, err error) {
			if err != nil {
				t.Fatal(err)
			}
			onStart(r)
		},
		OnProgress: func(p Progress) { last = p },
		OnDone:     func(r TrainResult) { result = &r },
	})
	until(t, h, func() bool { return result != nil })
	h.settle()
	return h, last, *result
}

// A transfer run's settings and its progress: zero epochs and batch size
// take 10 head epochs and batches of 20 (27 images: 2 steps); fine-tuning
// without its own epoch count repeats the head's; the progress counts
// head and fine-tuning epochs together and ends at 100 %.
func TestTransferRunSettingsAndProgress(t *testing.T) {
	dir := t.TempDir()
	images27 := writeFolders(t, filepath.Join(dir, "a"), 9, "ants", "bees", "cats")
	images12 := writeFolders(t, filepath.Join(dir, "b"), 6, "ants", "bees")
	cases := []struct {
		name                  string
		epochs, batch         int
		ftLayers, ftEpochs    int
		dir                   string
		wantEpochs, wantSteps int
		stop                  bool
		wantHistory           int
	}{
		{"defaults", 0, 0, 0, 0, images27, 10, 2, true, 0},
		{"fine-tune as long as the head", 2, 5, 1, 0, images12, 4, 3, false, 4},
		{"fine-tune epochs of its own", 1, 5, 1, 2, images12, 3, 3, false, 3},
		{"no fine-tuning", 2, 6, 0, 3, images12, 2, 2, false, 2},
		{"negative fine-tune layers", 1, 12, -1, 3, images12, 1, 1, false, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultTrainConfig()
			cfg.Epochs, cfg.BatchSize, cfg.UpdateEvery = c.epochs, c.batch, time.Millisecond
			req := TransferRequest{Head: "gap", FineTuneLayers: c.ftLayers, FineTuneEpochs: c.ftEpochs, Config: cfg, Data: DataSpec{TrainDir: c.dir}}
			var first Progress
			h, last, res := runTransfer(t, req, func(r *Training) {
				first = r.Progress()
				if c.stop {
					r.Pause() // at most the first batch runs
					r.Stop()
				}
			})
			if first.Epochs != c.wantEpochs || first.Steps != c.wantSteps || first.LastEpoch.Epoch != -1 {
				t.Errorf("run of %d epochs of %d steps (last epoch %d), want %d of %d (-1)", first.Epochs, first.Steps, first.LastEpoch.Epoch, c.wantEpochs, c.wantSteps)
			}
			m := h.Model()
			if c.stop {
				if !res.Stopped || res.Err != nil || m.Label != "transfer model (stopped before the first epoch)" {
					t.Errorf("stopped run: %+v, model %q", res, m.Label)
				}
				return
			}
			if res.Err != nil || res.Stopped || res.History.Len() != c.wantHistory || m.Label != "transfer model (unsaved)" {
				t.Fatalf("result %+v (history %d epochs, want %d), model %q", res, res.History.Len(), c.wantHistory, m.Label)
			}
			if !last.Done || last.Fraction != 1 || last.Epoch != c.wantEpochs || last.Epochs != c.wantEpochs ||
				last.Step != c.wantSteps || last.LastEpoch.Epoch != c.wantEpochs-1 || last.ETA != 0 {
				t.Errorf("last progress: done %v, %v of all steps, epoch %d/%d, step %d, last epoch %d, ETA %v",
					last.Done, last.Fraction, last.Epoch, last.Epochs, last.Step, last.LastEpoch.Epoch, last.ETA)
			}
			if n := len(last.LossChart.Series[0].Points); n != c.wantEpochs*c.wantSteps {
				t.Errorf("%d batch points, want %d", n, c.wantEpochs*c.wantSteps)
			}
			o, _ := transfer.ReadOrigin(m.Meta)
			if want := max(0, c.ftLayers); o.FineTunedLayers != want {
				t.Errorf("origin says %d fine-tuned layers, want %d", o.FineTunedLayers, want)
			}
		})
	}
}

// Fine-tuning may take every layer the base keeps (the tiny model cut
// after conv2d_2 keeps 3: conv2d_1, max_pooling2d_1, conv2d_2), not one
// more.
func TestTransferFineTuneLayersLimit(t *testing.T) {
	dir := writeFolders(t, filepath.Join(t.TempDir(), "train"), 3, "ants", "bees")
	cfg := DefaultTrainConfig()
	cfg.Epochs, cfg.BatchSize, cfg.UpdateEvery = 1, 6, time.Millisecond
	_, _, res := runTransfer(t, TransferRequest{FineTuneLayers: 3, FineTuneEpochs: 1, Config: cfg, Data: DataSpec{TrainDir: dir}}, func(*Training) {})
	if res.Err != nil || res.History.Len() != 2 {
		t.Errorf("fine-tuning all 3 base layers: %+v", res)
	}
	h := newHarness(t, tinyModel(t, 16))
	var err error
	started := false
	h.TrainTransfer(TransferRequest{FineTuneLayers: 4, Config: cfg, Data: DataSpec{TrainDir: dir}}, RunCallbacks{
		OnStart: func(_ *Training, _ *Data, e error) { err, started = e, true },
	})
	until(t, h, func() bool { return started })
	if err == nil || !strings.Contains(err.Error(), "expected at most the 3 layers the base keeps, received 4") {
		t.Errorf("fine-tuning 4 of 3 layers: %v", err)
	}
}

// A transfer run's elapsed time only grows, read at any moment (finished
// epochs plus the current one's). Augmentation keeps every batch going
// through the base, so the run lasts long enough to be watched.
func TestTransferElapsedOnlyGrows(t *testing.T) {
	dir := writeFolders(t, filepath.Join(t.TempDir(), "train"), 6, "ants", "bees")
	cfg := DefaultTrainConfig()
	cfg.Epochs, cfg.BatchSize = 3, 1
	watched := make(chan struct{})
	_, _, res := runTransfer(t, TransferRequest{Augment: true, Config: cfg, Data: DataSpec{TrainDir: dir}}, func(run *Training) {
		var last time.Duration
		go func() {
			defer close(watched)
			for run.Running() {
				p := run.Progress()
				if p.Elapsed < last {
					t.Errorf("elapsed went back from %v to %v (epoch %d step %d)", last, p.Elapsed, p.Epoch, p.Step)
					return
				}
				last = p.Elapsed
			}
		}()
	})
	<-watched
	if res.Err != nil || res.History.Len() != 3 {
		t.Fatalf("result %+v", res)
	}
}

// Stopping a run while it fine-tunes ends it as stopped (not as a run
// that completed, nor as a failure), with the epochs done so far.
func TestTransferStopWhileFineTuning(t *testing.T) {
	dir := writeFolders(t, filepath.Join(t.TempDir(), "train"), 4, "ants", "bees")
	cfg := DefaultTrainConfig()
	cfg.Epochs, cfg.BatchSize = 1, 4
	watched := make(chan struct{})
	req := TransferRequest{FineTuneLayers: 1, FineTuneEpochs: 10000, Config: cfg, Data: DataSpec{TrainDir: dir}}
	_, _, res := runTransfer(t, req, func(run *Training) {
		go func() {
			defer close(watched)
			for run.Running() && run.Progress().Epoch < 3 { // the head's epoch is 1
				time.Sleep(time.Millisecond)
			}
			run.Stop()
		}()
	})
	<-watched
	if !res.Stopped || res.Err != nil || res.History.Len() < 2 || res.History.Len() >= 10001 {
		t.Errorf("stopped while fine-tuning: stopped %v, err %v, %d epochs", res.Stopped, res.Err, res.History.Len())
	}
}
