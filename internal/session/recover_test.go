package session

import (
	"image"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// A panic in the worker, a background job or a training run is reported
// as an error and the session keeps working (issue #17: no bug may close
// the window).
func TestPanicsAreReportedNotFatal(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("good.png", "", loaderOf(testImage(20, 20, 1)))
	h.settle()

	h.Do(func(*Model) { panic("boom in a worker call") })
	h.settle()
	h.Open("crash.png", "", func() (image.Image, error) { panic("boom in a loader") })
	h.settle()
	if len(h.errs) != 2 || !strings.Contains(h.errs[0].Error(), "internal error in the image worker: boom in a worker call") {
		t.Fatalf("errors %v, want two internal errors", h.errs)
	}
	// Still alive: a new image gets a frame.
	n := len(h.frames)
	h.Open("after.png", "", loaderOf(testImage(20, 20, 2)))
	h.settle()
	if len(h.frames) != n+1 || h.last().Input.Name != "after.png" {
		t.Fatalf("no frame after the panics (%d frames, want %d)", len(h.frames), n+1)
	}
}

type panicSource struct{}

func (panicSource) Next(x, y *nn.Tensor) error { panic("boom in a data source") }

func TestTrainingPanicEndsTheRun(t *testing.T) {
	cfg := DefaultTrainConfig()
	cfg.Epochs, cfg.StepsPerEpoch, cfg.BatchSize, cfg.ValidationSteps = 1, 2, 2, 1
	cfg.Train = panicSource{}
	m := tinyModel(t, 12)
	var got TrainResult
	tr, err := StartTraining(m.Net, cfg, TrainCallbacks{OnDone: func(r TrainResult) { got = r }})
	if err != nil {
		t.Fatal(err)
	}
	<-tr.Done()
	if got.Err == nil || !strings.Contains(got.Err.Error(), "internal error in training: boom in a data source") {
		t.Errorf("run ended with %v, want the panic as its error", got.Err)
	}
}
