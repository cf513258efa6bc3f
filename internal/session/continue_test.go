package session

import (
	"testing"
	"time"
)

// TestContinuedRunShowsTrainedWeights: a run that continues the trained
// model on screen shows trained weights while it runs and after it stops,
// even before its first epoch ends (the side panel said "untrained
// weights", and a stop before the first epoch labelled the model
// "untrained"), while a run from fresh weights does not.
func TestContinuedRunShowsTrainedWeights(t *testing.T) {
	for _, cont := range []bool{true, false} {
		m := tinyModel(t, 16)
		m.Trained = true
		h := newHarness(t, m)
		cfg := DefaultTrainConfig()
		cfg.Epochs, cfg.StepsPerEpoch, cfg.BatchSize, cfg.ValidationSteps = 1, 1000, 4, 1
		var run *Training
		var during bool
		var result *TrainResult
		h.Train(TrainRequest{Arch: tinyArch(16), Continue: cont, Config: cfg, Data: DataSpec{Generated: true}}, RunCallbacks{
			OnStart: func(r *Training, _ *Data, err error) {
				if err != nil {
					t.Fatal(err)
				}
				run, during = r, h.Model().Trained
				r.Stop() // before the first epoch ends
			},
			OnProgress: func(Progress) {},
			OnDone:     func(r TrainResult) { result = &r },
		})
		deadline := time.Now().Add(30 * time.Second)
		for result == nil && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
			h.settle()
		}
		if run == nil || result == nil {
			t.Fatalf("continue %v: the run did not start or end", cont)
		}
		after := h.Model()
		if during != cont || after.Trained != cont {
			t.Errorf("continue %v: trained while running %v, after the stop %v (%q); want %v", cont, during, after.Trained, after.Label, cont)
		}
		if untrained := after.Label == "untrained (stopped before the first epoch)"; untrained == cont {
			t.Errorf("continue %v: stopped before the first epoch, labelled %q", cont, after.Label)
		}
	}
}
