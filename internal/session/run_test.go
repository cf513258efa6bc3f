package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/convscope/convscope/internal/npy"
)

func TestTrainShowsLiveWeightsAndTrainedModel(t *testing.T) {
	h := newHarness(t, tinyModel(t, 16))
	h.Open("a", "", loaderOf(testImage(16, 16, 1)))
	h.settle()
	cfg := DefaultTrainConfig()
	cfg.Epochs, cfg.StepsPerEpoch, cfg.BatchSize, cfg.ValidationSteps = 2, 25, 4, 1
	cfg.UpdateEvery, cfg.SnapshotEvery, cfg.SnapshotInterval = time.Millisecond, 1, time.Millisecond
	var run *Training
	var labelWhileTraining string
	var progress []Progress
	var result *TrainResult
	h.Train(TrainRequest{Arch: tinyArch(16), Config: cfg, Data: DataSpec{Generated: true}, Live: true}, RunCallbacks{
		OnStart: func(r *Training, d *Data, err error) {
			if err != nil {
				t.Fatal(err)
			}
			run, labelWhileTraining = r, h.Model().Label
			if strings.Join(d.Classes, ",") != "circles,crosses" {
				t.Errorf("classes %v", d.Classes)
			}
		},
		OnProgress: func(p Progress) { progress = append(progress, p) },
		OnDone:     func(r TrainResult) { result = &r },
	})
	h.settle()
	if run == nil {
		t.Fatal("the run did not start")
	}
	if labelWhileTraining != "training…" {
		t.Errorf("model on screen while training: %q", labelWhileTraining)
	}
	deadline := time.Now().Add(30 * time.Second)
	for result == nil && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
		h.settle()
	}
	if result == nil || result.Err != nil || result.History.Len() != 2 {
		t.Fatalf("result %+v", result)
	}
	if len(progress) == 0 || !progress[len(progress)-1].Done {
		t.Errorf("%d progress updates, last done: %v", len(progress), len(progress) > 0 && progress[len(progress)-1].Done)
	}
	live := false
	for _, f := range h.frames {
		live = live || f.Live
	}
	if !live {
		t.Error("no live frame during training")
	}
	m := h.Model()
	if m.Label != "trained here (unsaved)" || m.Net != result.Net || m.Meta.History != result.History {
		t.Errorf("model after training: %q, net is the trained one: %v", m.Label, m.Net == result.Net)
	}
	if f := h.last(); f.Live || f.Model != m {
		t.Error("the last frame is not of the trained model")
	}
}

func TestTrainErrors(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	var err error
	h.Train(TrainRequest{Arch: tinyArch(12), Config: DefaultTrainConfig(), Data: DataSpec{Generated: true}}, RunCallbacks{
		OnStart: func(_ *Training, _ *Data, e error) { err = e },
	})
	h.settle()
	if err == nil || !strings.Contains(err.Error(), "16×16") {
		t.Errorf("a 12×12 model on generated data: %v", err)
	}
	if h.Model().Label != "tiny" {
		t.Error("a failed start changed the model")
	}
}

func TestExports(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a", "", loaderOf(testImage(12, 12, 1)))
	h.settle()
	f := h.last()
	dir := t.TempDir()
	var pngs, npys []string
	var errs []error
	h.ExportSheets(dir, f, func(p []string, err error) { pngs = p; errs = append(errs, err) })
	h.ExportActivations(dir, f, func(p []string, err error) { npys = p; errs = append(errs, err) })
	h.ExportGrid(filepath.Join(dir, "grid.png"), f, func(_ []string, err error) { errs = append(errs, err) })
	hist := &History{}
	hist.Append(0, []string{"loss", "accuracy"}, []float64{0.5, 0.75})
	h.ExportHistory(filepath.Join(dir, "history.csv"), hist, func(_ []string, err error) { errs = append(errs, err) })
	h.settle()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if csv, err := os.ReadFile(filepath.Join(dir, "history.csv")); err != nil || !strings.HasPrefix(string(csv), "epoch,") {
		t.Errorf("history CSV %q, %v", csv, err)
	}
	if len(pngs) != 3 || filepath.Base(pngs[0]) != "conv2d_1.png" || len(npys) != 3 {
		t.Fatalf("exported %v and %v", pngs, npys)
	}
	shape, data, err := npy.ReadFile(npys[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 4 || shape[0] != 1 || shape[1] != 5 || shape[2] != 5 || shape[3] != 4 {
		t.Errorf("pool activation shape %v, want (1, 5, 5, 4)", shape)
	}
	for i, v := range data {
		if v != f.Layers[1].Act.Data[i] {
			t.Fatalf("value %d: %v, want %v", i, v, f.Layers[1].Act.Data[i])
		}
	}
	if grid := GridImage(f); grid.Bounds().Dy() <= f.Layers[0].Sheet.Image.Bounds().Dy() {
		t.Errorf("grid image %v is no taller than one sheet", grid.Bounds())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
	if _, err := ExportActivations(filepath.Join(dir, "missing"), f); err == nil {
		t.Error("exporting into a missing folder succeeded")
	}
}
