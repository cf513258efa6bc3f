package session

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/convscope/convscope/nn"
)

// trainOnScreen runs req from the Training page's side (Session.Train)
// and waits for its end; onStart sees the run (nil and the error when it
// could not start). It returns the result (nil when the run did not
// start) and the start error.
func trainOnScreen(t *testing.T, h *harness, req TrainRequest, onStart func(*Training)) (*TrainResult, error) {
	t.Helper()
	var startErr error
	started := false
	var result *TrainResult
	h.Train(req, RunCallbacks{
		OnStart: func(r *Training, d *Data, err error) {
			started, startErr = true, err
			if onStart != nil && err == nil {
				onStart(r)
			}
		},
		OnProgress: func(Progress) {},
		OnDone:     func(r TrainResult) { result = &r },
	})
	until(t, h, func() bool { return started && (startErr != nil || result != nil) })
	h.settle()
	return result, startErr
}

func smallRunConfig() TrainConfig {
	cfg := DefaultTrainConfig()
	cfg.Epochs, cfg.StepsPerEpoch, cfg.BatchSize, cfg.ValidationSteps = 1, 2, 4, 1
	cfg.UpdateEvery, cfg.SnapshotInterval = time.Millisecond, time.Millisecond
	return cfg
}

// "Continue training" trains the model on screen further: the run starts
// from its weights (the model shown while training has them), and the
// model on screen afterwards has trained ones; the original model object
// is left alone. A graph model cannot be continued: the start fails and
// the model stays.
func TestTrainContinuesTheModelOnScreen(t *testing.T) {
	base := tinyModel(t, 16)
	before := slices.Clone(base.Net.Weights()[0].Value)
	h := newHarness(t, base)
	var shown []float32
	res, err := trainOnScreen(t, h, TrainRequest{Continue: true, Config: smallRunConfig(), Data: DataSpec{Generated: true}}, func(*Training) {
		h.Do(func(m *Model) { shown = slices.Clone(m.Net.Weights()[0].Value) })
	})
	if err != nil || res == nil || res.Err != nil {
		t.Fatalf("start %v, result %+v", err, res)
	}
	if !slices.Equal(shown, before) {
		t.Error("the run did not start from the weights on screen")
	}
	if got := h.Model().Net.Weights()[0].Value; slices.Equal(got, before) || h.Model() == base {
		t.Error("the model on screen was not trained further")
	}
	if !slices.Equal(base.Net.Weights()[0].Value, before) {
		t.Error("training changed the original model's weights")
	}

	g := newHarness(t, wideModel(t))
	res, err = trainOnScreen(t, g, TrainRequest{Continue: true, Config: smallRunConfig(), Data: DataSpec{Generated: true}}, nil)
	if err == nil || !strings.Contains(err.Error(), "cannot be trained further") || res != nil || g.Model().Net != nil {
		t.Errorf("continuing a graph model: %v, %+v", err, res)
	}
}

// A run that cannot start after its data opened (an unknown optimizer)
// reports it and puts the previous model back on screen.
func TestTrainStartErrorRestoresTheModel(t *testing.T) {
	base := tinyModel(t, 16)
	h := newHarness(t, base)
	cfg := smallRunConfig()
	cfg.Optimizer = "adagrad"
	res, err := trainOnScreen(t, h, TrainRequest{Arch: tinyArch(16), Config: cfg, Data: DataSpec{Generated: true}}, nil)
	if err == nil || res != nil || h.Model() != base {
		t.Errorf("start %v, result %+v, model on screen %q", err, res, h.Model().Label)
	}
}

// A run with an autosave stores the data's class names in it; a run
// stopped before its first epoch ends leaves an "untrained" model on
// screen (its weights did change), one that completed an epoch a
// "trained here" one. The validation pass over generated images (which
// have names) leaves the trained model's exemplars.
func TestTrainAutosaveAndLabels(t *testing.T) {
	h := newHarness(t, tinyModel(t, 16))
	cfg := smallRunConfig()
	cfg.Checkpoint = filepath.Join(t.TempDir(), "autosave.safetensors")
	res, err := trainOnScreen(t, h, TrainRequest{Arch: tinyArch(16), Config: cfg, Data: DataSpec{Generated: true}}, nil)
	if err != nil || res.Err != nil || h.Model().Label != "trained here (unsaved)" {
		t.Fatalf("start %v, result %+v, model %q", err, res, h.Model().Label)
	}
	if ex := exemplarsOf(t, h, "conv2d_2", 0); !h.HasExemplars() || len(ex) == 0 {
		t.Errorf("exemplars after the run: %v, %d images", h.HasExemplars(), len(ex))
	}
	_, meta, ck, err := nn.LoadCheckpoint(cfg.Checkpoint)
	if err != nil || ck == nil || strings.Join(meta.ClassNames, ",") != "circles,crosses" {
		t.Errorf("autosave: %v, classes %v", err, meta.ClassNames)
	}

	cfg = smallRunConfig()
	cfg.Epochs, cfg.StepsPerEpoch = 5, 50
	res, err = trainOnScreen(t, h, TrainRequest{Arch: tinyArch(16), Config: cfg, Data: DataSpec{Generated: true}}, func(r *Training) {
		r.Pause() // at most the first batch runs
		r.Stop()
	})
	if err != nil || !res.Stopped || h.Model().Label != "untrained (stopped before the first epoch)" {
		t.Errorf("stopped run: %v, %+v, model %q", err, res, h.Model().Label)
	}
}
