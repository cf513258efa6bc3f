package nn

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func blobTrainer(seed int64, opt Optimizer) *Trainer {
	return NewTrainer(newBlobModel(seed), BinaryCrossentropy{}, opt)
}

func TestFitLearnsBlobs(t *testing.T) {
	tr := blobTrainer(1, NewRMSprop(0.01))
	var batches int
	var last BatchLog
	var epochs []EpochLog
	hist, err := tr.Fit(context.Background(), newBlobs(2), FitConfig{
		Epochs: 5, StepsPerEpoch: 20, BatchSize: 16,
		Validation: newBlobs(3), ValidationSteps: 5,
		OnBatch: func(l BatchLog) { batches++; last = l },
		OnEpoch: func(l EpochLog) { epochs = append(epochs, l) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if batches != 100 || len(epochs) != 5 {
		t.Fatalf("%d batch and %d epoch callbacks, want 100 and 5", batches, len(epochs))
	}
	if got := strings.Join(hist.Keys(), ","); got != "loss,accuracy,val_loss,val_accuracy" {
		t.Errorf("history keys %s", got)
	}
	if hist.Len() != 5 || hist.Epoch[4] != 4 {
		t.Errorf("history has %d epochs %v, want 0..4", hist.Len(), hist.Epoch)
	}
	loss, acc := hist.Values("loss"), hist.Values("val_accuracy")
	if !(loss[4] < loss[0]) {
		t.Errorf("loss did not decrease: %v", loss)
	}
	if acc[4] < 0.9 {
		t.Errorf("validation accuracy %v, want > 0.9", acc[4])
	}
	e := epochs[4]
	if e.Epoch != 4 || e.Epochs != 5 || !e.Validated || e.Loss != loss[4] || e.ValAccuracy != acc[4] || e.Duration <= 0 {
		t.Errorf("last epoch log %+v does not match the history", e)
	}
	if last.Epoch != 4 || last.Step != 19 || last.Steps != 20 || last.Loss != e.Loss || last.Accuracy != e.Accuracy || last.ImagesPerSec <= 0 {
		t.Errorf("last batch log %+v does not match epoch log %+v", last, e)
	}
	// Evaluate agrees with the last validation on the same data.
	vl, va, err := tr.Evaluate(context.Background(), newBlobs(3), 5, 16)
	if err != nil {
		t.Fatal(err)
	}
	if va < 0.9 || math.IsNaN(vl) {
		t.Errorf("Evaluate = %v, %v", vl, va)
	}
}

func TestFitRunningMeans(t *testing.T) {
	// With lr 0 the model does not change, so every batch's loss is the
	// model's loss on it and the running means can be checked exactly.
	tr := blobTrainer(1, NewSGD(1e-300))
	tr.Optimizer.SetLearningRate(0)
	ref := blobTrainer(1, NewSGD(0))
	src, refSrc := newBlobs(5), newBlobs(5)
	x, y := NewTensor(8, 2), NewTensor(8, 1)
	var sumLoss, sumAcc float64
	_, err := tr.Fit(context.Background(), src, FitConfig{
		StepsPerEpoch: 4, BatchSize: 8,
		OnBatch: func(l BatchLog) {
			refSrc.Next(x, y)
			p := ref.Model.Forward(x, true)
			sumLoss += ref.Loss.Loss(p, y)
			sumAcc += ref.Metric.Sum(p, y)
			n := float64(l.Step + 1)
			if math.Abs(l.Loss-sumLoss/n) > 1e-12 || math.Abs(l.Accuracy-sumAcc/(8*n)) > 1e-12 {
				t.Errorf("step %d: running loss %v acc %v, want %v %v", l.Step, l.Loss, l.Accuracy, sumLoss/n, sumAcc/(8*n))
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFitDeterministic(t *testing.T) {
	run := func() ([]float32, *History) {
		tr := blobTrainer(7, NewAdam(0.01))
		h, err := tr.Fit(context.Background(), newBlobs(8), FitConfig{Epochs: 2, StepsPerEpoch: 10, BatchSize: 8})
		if err != nil {
			t.Fatal(err)
		}
		return weights(tr.Model), h
	}
	w1, h1 := run()
	w2, h2 := run()
	if !bitEqual(w1, w2) {
		t.Error("two runs with the same seeds gave different weights")
	}
	if h1.Values("loss")[1] != h2.Values("loss")[1] {
		t.Error("two runs with the same seeds gave different losses")
	}
	w3 := weights(newBlobModel(7))
	if bitEqual(w1, w3) {
		t.Error("training did not change the weights")
	}
}

func TestFitCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr := blobTrainer(1, NewRMSprop(0))
	src := newBlobs(1)
	hist, err := tr.Fit(ctx, src, FitConfig{
		Epochs: 100, StepsPerEpoch: 10, BatchSize: 4,
		OnBatch: func(l BatchLog) {
			if l.Epoch == 1 && l.Step == 2 {
				cancel()
			}
		},
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want one wrapping context.Canceled", err)
	}
	if !strings.Contains(err.Error(), "epoch 2, step 4") {
		t.Errorf("error %q does not say where training stopped", err)
	}
	if hist.Len() != 1 {
		t.Errorf("partial history has %d epochs, want 1", hist.Len())
	}
	if src.calls != 13 {
		t.Errorf("%d batches drawn, want 13 (stop right after the current batch)", src.calls)
	}
}

func TestFitPauseResume(t *testing.T) {
	var ctl Control
	tr := blobTrainer(1, NewRMSprop(0))
	src := newBlobs(1)
	pausedAt := make(chan struct{})
	done := make(chan error)
	go func() {
		_, err := tr.Fit(context.Background(), src, FitConfig{
			Epochs: 2, StepsPerEpoch: 5, BatchSize: 4, Control: &ctl,
			OnBatch: func(l BatchLog) {
				if l.Epoch == 0 && l.Step == 2 {
					ctl.Pause()
					close(pausedAt)
				}
			},
		})
		done <- err
	}()
	<-pausedAt
	if !ctl.Paused() {
		t.Fatal("Paused() = false after Pause")
	}
	select {
	case err := <-done:
		t.Fatalf("Fit returned while paused: %v", err)
	case <-time.After(30 * time.Millisecond):
	}
	ctl.Resume()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if ctl.Paused() || src.calls != 10 {
		t.Errorf("after resume: paused %v, %d batches; want false, 10", ctl.Paused(), src.calls)
	}
}

func TestFitCancelWhilePaused(t *testing.T) {
	var ctl Control
	ctl.Pause()
	ctx, cancel := context.WithCancel(context.Background())
	tr := blobTrainer(1, NewRMSprop(0))
	src := newBlobs(1)
	done := make(chan error)
	go func() {
		_, err := tr.Fit(ctx, src, FitConfig{StepsPerEpoch: 5, BatchSize: 4, Control: &ctl})
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || src.calls != 0 {
			t.Errorf("error %v after %d batches, want context.Canceled after 0", err, src.calls)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Fit did not return after cancel while paused")
	}
}

func TestFitNaNInputRestoresWeights(t *testing.T) {
	// The 13th batch (epoch 2, step 3) is NaN. The last finite loss was the
	// 12th batch's, computed with the weights left by the first 11 updates.
	tr := blobTrainer(3, NewRMSprop(0.01))
	src := newBlobs(4)
	src.nanAt = 13
	hist, err := tr.Fit(context.Background(), src, FitConfig{Epochs: 3, StepsPerEpoch: 10, BatchSize: 4})
	if !errors.Is(err, ErrLossNotFinite) {
		t.Fatalf("error %v, want ErrLossNotFinite", err)
	}
	if want := "nn: loss became NaN at epoch 2, step 3; weights from the last finite step kept"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if hist.Len() != 1 {
		t.Errorf("history has %d epochs, want 1", hist.Len())
	}
	ref := blobTrainer(3, NewRMSprop(0.01))
	if _, err := ref.Fit(context.Background(), newBlobs(4), FitConfig{StepsPerEpoch: 11, BatchSize: 4}); err != nil {
		t.Fatal(err)
	}
	if !bitEqual(weights(tr.Model), weights(ref.Model)) {
		t.Error("weights after the NaN stop differ from those after 11 finite updates")
	}
}

// mse is a test-only loss without clipping, so a diverging model reaches Inf.
type mse struct{}

func (mse) Name() string { return "mse" }
func (mse) Loss(p, y *Tensor) float64 {
	var s float64
	for i, v := range p.Data {
		d := float64(v) - float64(y.Data[i])
		s += d * d
	}
	return s / float64(len(p.Data))
}
func (mse) Grad(d, p, y *Tensor) {
	for i, v := range p.Data {
		d.Data[i] = 2 * (v - y.Data[i]) / float32(len(p.Data))
	}
}

func TestFitDivergenceRestoresFiniteWeights(t *testing.T) {
	m, err := NewSequential([]int{2}, newTestDense(4, ""), newTestDense(1, ""))
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTrainer(m, mse{}, NewSGD(1e6))
	var lastFinite []float32
	_, err = tr.Fit(context.Background(), newBlobs(1), FitConfig{Epochs: 50, StepsPerEpoch: 10, BatchSize: 4,
		OnBatch: func(BatchLog) {},
	})
	if !errors.Is(err, ErrLossNotFinite) {
		t.Fatalf("error %v, want ErrLossNotFinite", err)
	}
	lastFinite = weights(m)
	for i, v := range lastFinite {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("weight %d is %v after the NaN stop", i, v)
		}
	}
	x, y := NewTensor(4, 2), NewTensor(4, 1)
	newBlobs(9).Next(x, y)
	if l := tr.Loss.Loss(m.Predict(x), y); math.IsNaN(l) {
		t.Errorf("restored weights still give a NaN loss")
	}
}

func TestFitErrors(t *testing.T) {
	sparse := NewTrainer(newBlobModel(1), SparseCategoricalCrossentropy{}, NewSGD(0))
	tests := []struct {
		name string
		tr   *Trainer
		cfg  FitConfig
		want string
	}{
		{"no steps", blobTrainer(1, NewSGD(0)), FitConfig{}, "steps_per_epoch must be positive, received 0"},
		{"validation steps", blobTrainer(1, NewSGD(0)), FitConfig{StepsPerEpoch: 1, Validation: newBlobs(1)}, "validation_steps must be positive"},
		{"initial epoch", blobTrainer(1, NewSGD(0)), FitConfig{StepsPerEpoch: 1, Epochs: 2, InitialEpoch: 3}, "initial_epoch must be in [0, epochs=2], received 3"},
		// One sigmoid output: class 1 is out of range for a sparse loss.
		{"sparse label", sparse, FitConfig{StepsPerEpoch: 5, BatchSize: 8}, "expected a class index in [0, 1), received 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := weights(tt.tr.Model)
			_, err := tt.tr.Fit(context.Background(), newBlobs(1), tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
			if !bitEqual(before, weights(tt.tr.Model)) {
				t.Error("weights changed")
			}
		})
	}
}

type failingSource struct{ after int }

func (f *failingSource) Next(x, y *Tensor) error {
	if f.after == 0 {
		return errors.New("folder vanished")
	}
	f.after--
	return newBlobs(1).Next(x, y)
}

func TestFitSourceError(t *testing.T) {
	hist, err := blobTrainer(1, NewSGD(0)).Fit(context.Background(), &failingSource{after: 7}, FitConfig{Epochs: 3, StepsPerEpoch: 5, BatchSize: 2})
	if err == nil || !strings.Contains(err.Error(), "epoch 2, step 3: reading a batch: folder vanished") {
		t.Errorf("error %v", err)
	}
	if hist.Len() != 1 {
		t.Errorf("history has %d epochs, want 1", hist.Len())
	}
}

func TestFitInitialEpoch(t *testing.T) {
	tr := blobTrainer(1, NewSGD(0))
	hist, err := tr.Fit(context.Background(), newBlobs(1), FitConfig{Epochs: 5, InitialEpoch: 3, StepsPerEpoch: 2, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist.Epoch) != 2 || hist.Epoch[0] != 3 || hist.Epoch[1] != 4 {
		t.Errorf("epochs %v, want [3 4]", hist.Epoch)
	}
}

func TestTrainBatchDoesNotAllocate(t *testing.T) {
	tr := blobTrainer(1, NewRMSprop(0))
	x, y := NewTensor(4, 2), NewTensor(4, 1)
	newBlobs(1).Next(x, y)
	tr.TrainBatch(x, y)
	if a := testing.AllocsPerRun(5, func() { tr.TrainBatch(x, y) }); a != 0 {
		t.Errorf("%v allocations per TrainBatch", a)
	}
}
