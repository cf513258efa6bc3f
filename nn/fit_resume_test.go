package nn

import (
	"context"
	"encoding/json"
	"testing"
)

// resumeOptimizers are the optimizers whose state a resumed run needs.
func resumeOptimizers() map[string]func() StatefulOptimizer {
	return map[string]func() StatefulOptimizer{
		"sgd":          func() StatefulOptimizer { return NewSGD(0.1) },
		"sgd+momentum": func() StatefulOptimizer { o := NewSGD(0.05); o.Momentum = 0.9; return o },
		"rmsprop":      func() StatefulOptimizer { return NewRMSprop(0.01) },
		"adam":         func() StatefulOptimizer { return NewAdam(0.01) },
	}
}

// A run stopped mid-epoch and resumed from its progress, weights and
// optimizer state (in a fresh model, optimizer and source) ends with the
// uninterrupted run's weights, bit for bit, and the same history.
func TestFitResumeMatchesUninterrupted(t *testing.T) {
	for name, newOpt := range resumeOptimizers() {
		for _, stopAt := range []int{1, 7, 10, 13} { // global batch index after which to stop
			cfg := FitConfig{Epochs: 3, StepsPerEpoch: 5, BatchSize: 4, ValidationSteps: 2}

			full := NewTrainer(newBlobModel(3), BinaryCrossentropy{}, newOpt())
			cfg.Validation = newBlobs(99)
			want, err := full.Fit(context.Background(), newBlobs(7), cfg)
			if err != nil {
				t.Fatal(err)
			}

			first := NewTrainer(newBlobModel(3), BinaryCrossentropy{}, newOpt())
			ctx, cancel := context.WithCancel(context.Background())
			batches := 0
			c1 := cfg
			c1.Validation = newBlobs(99)
			c1.OnBatch = func(BatchLog) {
				if batches++; batches == stopAt {
					cancel()
				}
			}
			h1, err := first.Fit(ctx, newBlobs(7), c1)
			cancel()
			if err == nil {
				t.Fatalf("%s: the first run was not stopped", name)
			}
			progress := first.Progress()
			state := first.Optimizer.(StatefulOptimizer).State()

			second := NewTrainer(newBlobModel(42), BinaryCrossentropy{}, newOpt())
			if err := second.Model.CopyWeightsFrom(first.Model); err != nil {
				t.Fatal(err)
			}
			if err := second.Optimizer.(StatefulOptimizer).SetState(second.Model.Params(), state); err != nil {
				t.Fatal(err)
			}
			c2 := cfg
			c2.Validation = newBlobs(99)
			c2.Resume = &progress
			h2, err := second.Fit(context.Background(), newBlobs(7), c2)
			if err != nil {
				t.Fatalf("%s: resumed run: %v", name, err)
			}
			if !bitEqual(weights(second.Model), weights(full.Model)) {
				t.Errorf("%s, stopped after batch %d (progress %+v): resumed weights differ from the uninterrupted run's", name, stopAt, progress)
			}
			if err := h1.Extend(h2); err != nil {
				t.Fatal(err)
			}
			j1, _ := json.Marshal(h1)
			j2, _ := json.Marshal(want)
			if string(j1) != string(j2) {
				t.Errorf("%s, stopped after batch %d: history %s, want %s", name, stopAt, j1, j2)
			}
			if got := second.Progress(); got.Epoch != 3 || got.Step != 0 || got.Samples != 60 || got.ValSamples != 24 {
				t.Errorf("%s: final progress %+v", name, got)
			}
		}
	}
}

func TestOptimizerStateErrors(t *testing.T) {
	m := newBlobModel(1)
	adam := NewAdam(0.01)
	tr := NewTrainer(m, BinaryCrossentropy{}, adam)
	if _, err := tr.Fit(context.Background(), newBlobs(1), FitConfig{Epochs: 1, StepsPerEpoch: 3, BatchSize: 4}); err != nil {
		t.Fatal(err)
	}
	st := adam.State()
	if st.Iterations != 3 || len(st.Slots) != 2*len(m.Params()) {
		t.Fatalf("Adam state: %d iterations, %d slots", st.Iterations, len(st.Slots))
	}
	if err := NewRMSprop(0).SetState(m.Params(), st); err == nil {
		t.Error("RMSprop accepted Adam's state")
	}
	other := newBlobModel(1)
	short := st
	short.Slots = map[string][]float32{}
	for k, v := range st.Slots {
		short.Slots[k] = v[:len(v)-1]
	}
	if err := NewAdam(0).SetState(other.Params(), short); err == nil {
		t.Error("Adam accepted slots of the wrong size")
	}
	// RMSprop counts iterations too, and a fresh state is empty.
	rms := NewRMSprop(0.01)
	if s := rms.State(); s.Iterations != 0 || len(s.Slots) != 0 {
		t.Errorf("fresh RMSprop state %+v", s)
	}
	NewTrainer(other, BinaryCrossentropy{}, rms).Fit(context.Background(), newBlobs(1), FitConfig{Epochs: 2, StepsPerEpoch: 2, BatchSize: 4})
	if s := rms.State(); s.Iterations != 4 || len(s.Slots["velocity/"+other.Params()[0].Name]) != len(other.Params()[0].Value) {
		t.Errorf("RMSprop state after 4 steps: %d iterations, slots %v", s.Iterations, len(s.Slots))
	}
}
