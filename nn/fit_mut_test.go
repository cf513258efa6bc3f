package nn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// cycleSource is a BatchSource that hands out a fixed list of batches in
// turn (x values, then y values, each a whole batch), counting its calls;
// sleep, if set, makes every Next take at least that long. failAt, when
// positive, makes call number failAt (1-based) fail.
type cycleSource struct {
	batches [][2][]float32
	calls   int
	sleep   time.Duration
	failAt  int
}

func (s *cycleSource) Next(x, y *Tensor) error {
	s.calls++
	if s.calls == s.failAt {
		return errors.New("disk gone")
	}
	if s.sleep > 0 {
		time.Sleep(s.sleep)
	}
	b := s.batches[(s.calls-1)%len(s.batches)]
	if len(b[0]) != len(x.Data) || len(b[1]) != len(y.Data) {
		return fmt.Errorf("batch of %d, %d values for buffers %v, %v", len(b[0]), len(b[1]), x.Shape, y.Shape)
	}
	copy(x.Data, b[0])
	copy(y.Data, b[1])
	return nil
}

// skipper is a cycleSource that can skip samples; it records the skips.
type skipper struct {
	cycleSource
	skipped []int64
}

func (s *skipper) SkipSamples(n int64) error {
	s.skipped = append(s.skipped, n)
	return nil
}

// sumPred is a test metric whose per-sample score is the prediction itself,
// so the logged "accuracy" is the mean prediction: easy to work by hand.
type sumPred struct{}

func (sumPred) Name() string { return "mp" }
func (sumPred) Sum(p, _ *Tensor) float64 {
	var s float64
	for _, v := range p.Data {
		s += float64(v)
	}
	return s
}

// handTrainer is the hand-worked problem: p = w·x + b with w = w0, b = b0,
// the mean squared error, plain SGD with lr 1/8 and the mean prediction as
// the metric. Every value below is a dyadic fraction with few bits, exact in
// float32, so the expectations are literal.
func handTrainer(t *testing.T, w0, b0 float32) *Trainer {
	t.Helper()
	m, err := NewSequential([]int{1}, newTestDense(1, ""))
	if err != nil {
		t.Fatal(err)
	}
	m.Params()[0].Value[0], m.Params()[1].Value[0] = w0, b0
	return &Trainer{Model: m, Loss: mse{}, Optimizer: NewSGD(0.125), Metric: sumPred{}}
}

// The training batch x = (1, 2), y = (2, 4) and the two validation batches.
func handTrain() *cycleSource {
	return &cycleSource{batches: [][2][]float32{{{1, 2}, {2, 4}}}}
}

func handVal() *cycleSource {
	return &cycleSource{batches: [][2][]float32{{{1, 3}, {1, 1}}, {{0, 2}, {2, 2}}}}
}

// TestFitHandWorked runs Keras' fit(epochs=2, steps_per_epoch=2,
// batch_size=2, validation_steps=2) on a problem worked by hand
// (fractions; a throwaway Python script, not committed):
//
//	step  w, b before      p             batch loss       Σp
//	0,0   0, 0             0, 0          10               0
//	0,1   5/4, 3/4         2, 13/4       9/32             21/4
//	1,0   23/16, 27/32     73/32, 119/32 81/1024          6
//	1,1   377/256, 27/32   593/256, 485/128 9477/131072   1563/256
//
// ending at w = 3043/2048, b = 1701/2048. The logs are Keras' running means
// over the epoch (loss: mean of the batch losses; the metric: the sum of
// the per-sample scores over the samples seen), the history one entry per
// epoch, validation after each epoch with the epoch's final weights.
func TestFitHandWorked(t *testing.T) {
	type batch struct {
		epoch, step    int
		loss, accuracy float64
	}
	wantBatches := []batch{
		{0, 0, 10, 0},
		{0, 1, 5.140625, 1.3125},
		{1, 0, 0.0791015625, 3},
		{1, 1, 0.075702667236328125, 3.0263671875},
	}
	wantHist := map[string][]float64{
		"loss":     {5.140625, 0.075702667236328125},
		"mp":       {1.3125, 3.0263671875},
		"val_loss": {5941.0 / 1024, 51875723.0 / 8388608},
		"val_mp":   {3, 12531.0 / 4096},
	}
	tr := handTrainer(t, 0, 0)
	train, val := handTrain(), handVal()
	var batches []batch
	var epochs []EpochLog
	var valSteps []string
	hist, err := tr.Fit(context.Background(), train, FitConfig{
		Epochs: 2, StepsPerEpoch: 2, BatchSize: 2, Validation: val, ValidationSteps: 2,
		OnBatch: func(l BatchLog) {
			if l.Epochs != 2 || l.Steps != 2 {
				t.Errorf("batch log %+v: want Epochs 2, Steps 2", l)
			}
			batches = append(batches, batch{l.Epoch, l.Step, l.Loss, l.Accuracy})
		},
		OnEpoch:           func(l EpochLog) { epochs = append(epochs, l) },
		OnValidationBatch: func(e, s int) { valSteps = append(valSteps, fmt.Sprint(e, s)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(batches) != fmt.Sprint(wantBatches) {
		t.Errorf("batch logs %v, want %v", batches, wantBatches)
	}
	if got := strings.Join(hist.Keys(), ","); got != "loss,mp,val_loss,val_mp" {
		t.Errorf("history keys %s", got)
	}
	if fmt.Sprint(hist.Epoch) != "[0 1]" {
		t.Errorf("history epochs %v, want [0 1]", hist.Epoch)
	}
	for k, want := range wantHist {
		if got := hist.Values(k); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("history %s = %v, want %v", k, got, want)
		}
	}
	if len(epochs) != 2 {
		t.Fatalf("%d epoch logs, want 2", len(epochs))
	}
	for e, l := range epochs {
		want := EpochLog{Epoch: e, Epochs: 2, Loss: wantHist["loss"][e], Accuracy: wantHist["mp"][e],
			Validated: true, ValLoss: wantHist["val_loss"][e], ValAccuracy: wantHist["val_mp"][e], Duration: l.Duration}
		if l != want || l.Duration <= 0 {
			t.Errorf("epoch log %+v, want %+v", l, want)
		}
	}
	if got := fmt.Sprint(valSteps); got != "[0 0 0 1 1 0 1 1]" {
		t.Errorf("validation batches (epoch step) %s, want [0 0 0 1 1 0 1 1]", got)
	}
	if w, b := tr.Model.Params()[0].Value[0], tr.Model.Params()[1].Value[0]; w != 3043.0/2048 || b != 1701.0/2048 {
		t.Errorf("weights %v, %v, want %v, %v", w, b, 3043.0/2048, 1701.0/2048)
	}
	if train.calls != 4 || val.calls != 4 {
		t.Errorf("%d training and %d validation batches drawn, want 4 and 4", train.calls, val.calls)
	}
	if got, want := tr.Progress(), (FitProgress{Epoch: 2, Samples: 8, ValSamples: 8}); got != want {
		t.Errorf("progress %+v, want %+v", got, want)
	}
}

// A stop half way (after the first batch of the second epoch) leaves the
// weights of the three updates done, the history of the finished epoch and
// the progress of the partial one; resuming from them in a fresh trainer
// and fresh sources ends as the uninterrupted run of TestFitHandWorked.
func TestFitHandWorkedStopAndResume(t *testing.T) {
	tr := handTrainer(t, 0, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	train, val := handTrain(), handVal()
	cfg := FitConfig{Epochs: 2, StepsPerEpoch: 2, BatchSize: 2, Validation: val, ValidationSteps: 2}
	c1 := cfg
	c1.OnBatch = func(l BatchLog) {
		if l.Epoch == 1 && l.Step == 0 {
			cancel()
		}
	}
	h1, err := tr.Fit(ctx, train, c1)
	if want := "nn: fit stopped at epoch 2, step 2: context canceled"; err == nil || err.Error() != want {
		t.Fatalf("error %v, want %q", err, want)
	}
	if w, b := tr.Model.Params()[0].Value[0], tr.Model.Params()[1].Value[0]; w != 377.0/256 || b != 27.0/32 {
		t.Errorf("weights after the stop %v, %v, want %v, %v (three updates)", w, b, 377.0/256, 27.0/32)
	}
	if fmt.Sprint(h1.Epoch, h1.Values("loss")) != "[0] [5.140625]" {
		t.Errorf("history after the stop %v %v", h1.Epoch, h1.Values("loss"))
	}
	p := tr.Progress()
	if want := (FitProgress{Epoch: 1, Step: 1, LossSum: 81.0 / 1024, MetricSum: 6, Samples: 6, ValSamples: 4}); p != want {
		t.Fatalf("progress %+v, want %+v", p, want)
	}
	if train.calls != 3 || val.calls != 2 {
		t.Errorf("%d training, %d validation batches drawn, want 3, 2", train.calls, val.calls)
	}

	tr2 := handTrainer(t, 377.0/256, 27.0/32)
	train2, val2 := handTrain(), handVal()
	c2 := cfg
	c2.Validation, c2.Resume = val2, &p
	var steps []string
	c2.OnBatch = func(l BatchLog) { steps = append(steps, fmt.Sprint(l.Epoch, l.Step, l.Loss, l.Accuracy)) }
	h2, err := tr2.Fit(context.Background(), train2, c2)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(steps); got != "[1 1 0.07570266723632812 3.0263671875]" {
		t.Errorf("resumed batch logs %s", got)
	}
	if got := fmt.Sprint(h2.Epoch, h2.Values("loss"), h2.Values("val_mp")); got != fmt.Sprint([]int{1}, []float64{0.075702667236328125}, []float64{12531.0 / 4096}) {
		t.Errorf("resumed history %s", got)
	}
	if w, b := tr2.Model.Params()[0].Value[0], tr2.Model.Params()[1].Value[0]; w != 3043.0/2048 || b != 1701.0/2048 {
		t.Errorf("resumed weights %v, %v, want %v, %v", w, b, 3043.0/2048, 1701.0/2048)
	}
	// Skipping: 6 training samples are 3 batches of 2, 4 validation samples 2.
	if train2.calls != 3+1 || val2.calls != 2+2 {
		t.Errorf("%d training, %d validation batches drawn, want 4, 4", train2.calls, val2.calls)
	}
	if got, want := tr2.Progress(), (FitProgress{Epoch: 2, Samples: 8, ValSamples: 8}); got != want {
		t.Errorf("final progress %+v, want %+v", got, want)
	}
}

// Evaluate is Keras' evaluate: the mean of the batch losses and the
// metric's mean per sample, whatever batch size the last Fit or Evaluate
// used. With w = 1, b = 1/2 the validation samples x = 1, 3, 0, 2 predict
// 3/2, 7/2, 1/2, 5/2 against 1, 1, 2, 2: squared errors 1/4, 25/4, 9/4,
// 1/4, mean 9/4; the mean prediction is 2.
func TestEvaluateHandWorked(t *testing.T) {
	single := &cycleSource{batches: [][2][]float32{{{1}, {1}}, {{3}, {1}}, {{0}, {2}}, {{2}, {2}}}}
	tests := []struct {
		name         string
		src          BatchSource
		steps, batch int
		loss, metric float64
	}{
		{"batches of 2", handVal(), 2, 2, 2.25, 2},
		{"batches of 1", single, 4, 1, 2.25, 2},
		{"one batch of 2", handVal(), 1, 2, 3.25, 2.5},
		{"batches of 2 again", handVal(), 2, 2, 2.25, 2},
	}
	tr := handTrainer(t, 1, 0.5)
	for _, tt := range tests {
		l, m, err := tr.Evaluate(context.Background(), tt.src, tt.steps, tt.batch)
		if err != nil || l != tt.loss || m != tt.metric {
			t.Errorf("%s: Evaluate = %v, %v, %v; want %v, %v", tt.name, l, m, err, tt.loss, tt.metric)
		}
	}
}

func TestEvaluateErrors(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	sparse := handTrainer(t, 0, 0)
	sparse.Loss = SparseCategoricalCrossentropy{}
	tests := []struct {
		name         string
		tr           *Trainer
		ctx          context.Context
		src          BatchSource
		steps, batch int
		want         string
	}{
		{"no steps", handTrainer(t, 0, 0), context.Background(), handVal(), 0, 2, "nn: evaluate: expected positive steps and batch size, received 0 and 2"},
		{"negative steps", handTrainer(t, 0, 0), context.Background(), handVal(), -1, 2, "received -1 and 2"},
		{"no batch", handTrainer(t, 0, 0), context.Background(), handVal(), 1, 0, "received 1 and 0"},
		{"no model", &Trainer{Loss: mse{}, Metric: sumPred{}}, context.Background(), handVal(), 1, 2, "nn: fit: the Trainer has no model"},
		{"canceled", handTrainer(t, 0, 0), canceled, handVal(), 2, 2, "stopped at step 1: context canceled"},
		{"source", handTrainer(t, 0, 0), context.Background(), &cycleSource{batches: handVal().batches, failAt: 2}, 2, 2, "step 2: reading a batch: disk gone"},
		{"target", sparse, context.Background(), &cycleSource{batches: [][2][]float32{{{1, 2}, {0, 0}}, {{1, 2}, {0, 1}}}}, 2, 2,
			"step 2: sample 1: expected a class index in [0, 1), received 1"},
	}
	for _, tt := range tests {
		_, _, err := tt.tr.Evaluate(tt.ctx, tt.src, tt.steps, tt.batch)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

// Configurations Fit refuses (before any weight changes) and the bounds it
// accepts: Keras allows initial_epoch == epochs (nothing to train), and a
// run saved after its last batch resumes with nothing left to do.
func TestFitConfigBounds(t *testing.T) {
	sparse := handTrainer(t, 0, 0)
	sparse.Loss = SparseCategoricalCrossentropy{}
	badTarget := &cycleSource{batches: [][2][]float32{{{1, 2}, {0, 1}}}}
	base := FitConfig{Epochs: 2, StepsPerEpoch: 3, BatchSize: 2}
	with := func(f func(*FitConfig)) FitConfig { c := base; f(&c); return c }
	tests := []struct {
		name     string
		tr       *Trainer
		src      BatchSource
		cfg      FitConfig
		want     string // error; "" for none
		epochs   string // history epochs when no error
		batches  int    // training batches drawn
		progress FitProgress
	}{
		{"negative epochs", nil, nil, with(func(c *FitConfig) { c.Epochs = -1 }), "epochs must be positive, received -1", "", 0, FitProgress{}},
		{"negative steps", nil, nil, with(func(c *FitConfig) { c.StepsPerEpoch = -1 }), "steps_per_epoch must be positive, received -1", "", 0, FitProgress{}},
		{"negative batch", nil, nil, with(func(c *FitConfig) { c.BatchSize = -1 }), "batch_size must be positive, received -1", "", 0, FitProgress{}},
		{"negative initial epoch", nil, nil, with(func(c *FitConfig) { c.InitialEpoch = -1 }), "initial_epoch must be in [0, epochs=2], received -1", "", 0, FitProgress{}},
		{"negative validation steps", nil, nil, with(func(c *FitConfig) { c.Validation, c.ValidationSteps = handVal(), -1 }), "validation_steps must be positive with validation data, received -1", "", 0, FitProgress{}},
		{"resume epoch past", nil, nil, with(func(c *FitConfig) { c.Resume = &FitProgress{Epoch: 3} }), "resume: expected epoch in [0, 2] and step in [0, 3], received epoch 3, step 0", "", 0, FitProgress{}},
		{"resume epoch negative", nil, nil, with(func(c *FitConfig) { c.Resume = &FitProgress{Epoch: -1} }), "received epoch -1, step 0", "", 0, FitProgress{}},
		{"resume step past", nil, nil, with(func(c *FitConfig) { c.Resume = &FitProgress{Step: 4} }), "received epoch 0, step 4", "", 0, FitProgress{}},
		{"resume step negative", nil, nil, with(func(c *FitConfig) { c.Resume = &FitProgress{Step: -1} }), "received epoch 0, step -1", "", 0, FitProgress{}},
		{"resume samples negative", nil, nil, with(func(c *FitConfig) { c.Resume = &FitProgress{Samples: -2} }), "resume: expected epoch", "", 0, FitProgress{}},
		{"resume val samples negative", nil, nil, with(func(c *FitConfig) { c.Resume = &FitProgress{ValSamples: -2} }), "resume: expected epoch", "", 0, FitProgress{}},
		{"resume skip not a multiple", nil, nil, with(func(c *FitConfig) { c.Resume = &FitProgress{Samples: 3} }),
			"nn: fit: resume: skipping 3 training samples: expected a multiple of the batch size 2, received 3", "", 0, FitProgress{}},
		{"resume val skip not a multiple", nil, nil, with(func(c *FitConfig) {
			c.Validation, c.ValidationSteps, c.Resume = handVal(), 1, &FitProgress{ValSamples: 3}
		}),
			"nn: fit: resume: skipping 3 validation samples: expected a multiple of the batch size 2, received 3", "", 0, FitProgress{}},
		{"bad target", sparse, badTarget, base, "nn: fit: epoch 1, step 1: sample 1: expected a class index in [0, 1), received 1", "", 1, FitProgress{}},
		{"initial epoch = epochs", nil, nil, with(func(c *FitConfig) { c.InitialEpoch = 2 }), "", "[]", 0, FitProgress{Epoch: 2}},
		{"resume at the start", nil, nil, with(func(c *FitConfig) { c.Resume = &FitProgress{} }), "", "[0 1]", 6, FitProgress{Epoch: 2, Samples: 12}},
		{"resume at the end", nil, nil, with(func(c *FitConfig) { c.Resume = &FitProgress{Epoch: 2, Samples: 12} }), "", "[]", 6, FitProgress{Epoch: 2, Samples: 12}},
		// Resumed after an epoch's last batch, before its end: the epoch
		// ends (mean loss 6/3 = 2, mean score 3/(3·2)) and the next runs.
		{"resume after the last step", nil, nil, with(func(c *FitConfig) {
			c.Resume = &FitProgress{Epoch: 0, Step: 3, LossSum: 6, MetricSum: 3, Samples: 6}
		}), "", "[0 1]", 3 + 3, FitProgress{Epoch: 2, Samples: 12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, src := tt.tr, tt.src
			if tr == nil {
				tr = handTrainer(t, 0, 0)
			}
			if src == nil {
				src = handTrain()
			}
			hist, err := tr.Fit(context.Background(), src, tt.cfg)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %v, want one containing %q", err, tt.want)
				}
				if w := tr.Model.Params()[0].Value[0]; w != 0 {
					t.Errorf("weight changed to %v", w)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(hist.Epoch); got != tt.epochs {
				t.Errorf("history epochs %s, want %s", got, tt.epochs)
			}
			if c := src.(*cycleSource).calls; c != tt.batches {
				t.Errorf("%d batches drawn, want %d", c, tt.batches)
			}
			if got := tr.Progress(); got != tt.progress {
				t.Errorf("progress %+v, want %+v", got, tt.progress)
			}
		})
	}
}

// The resumed epoch's first log carries the stopped run's sums on.
func TestFitResumeAfterLastStepLogs(t *testing.T) {
	tr := handTrainer(t, 0, 0)
	hist, err := tr.Fit(context.Background(), handTrain(), FitConfig{Epochs: 1, StepsPerEpoch: 3, BatchSize: 2,
		Resume: &FitProgress{Step: 3, LossSum: 6, MetricSum: 3, Samples: 6}})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(hist.Values("loss"), hist.Values("mp")); got != "[2] [0.5]" {
		t.Errorf("history %s, want [2] [0.5]", got)
	}
}

func TestSkipSamples(t *testing.T) {
	tests := []struct {
		name    string
		n       int64
		skipper bool
		calls   int
		skipped string
		err     string
	}{
		{"nothing", 0, false, 0, "[]", ""},
		{"nothing, skipper", 0, true, 0, "[]", ""},
		{"three batches", 6, false, 3, "[]", ""},
		{"one batch", 2, false, 1, "[]", ""},
		{"skipper", 7, true, 0, "[7]", ""},
		{"not a multiple", 5, false, 0, "[]", "expected a multiple of the batch size 2, received 5"},
	}
	for _, tt := range tests {
		s := &skipper{cycleSource: *handTrain()}
		var src BatchSource = &s.cycleSource
		if tt.skipper {
			src = s
		}
		err := skipSamples(src, tt.n, NewTensor(2, 1), NewTensor(2, 1))
		if (tt.err == "") != (err == nil) || err != nil && err.Error() != tt.err {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
		}
		if s.calls != tt.calls || fmt.Sprint(s.skipped) != tt.skipped {
			t.Errorf("%s: %d batches drawn, skips %v; want %d, %s", tt.name, s.calls, s.skipped, tt.calls, tt.skipped)
		}
	}
	s := &cycleSource{batches: handTrain().batches, failAt: 2}
	if err := skipSamples(s, 6, NewTensor(2, 1), NewTensor(2, 1)); err == nil || err.Error() != "disk gone" || s.calls != 2 {
		t.Errorf("failing source: %v after %d batches", err, s.calls)
	}
}

// Class indices the sparse loss accepts for a model with 3 outputs.
func TestCheckTargets(t *testing.T) {
	tests := []struct {
		y    []float32
		want string
	}{
		{[]float32{0, 2, 1}, ""},
		{[]float32{0, 3, 1}, "sample 1: expected a class index in [0, 3), received 3"},
		{[]float32{0, 1, -1}, "sample 2: expected a class index in [0, 3), received -1"},
		{[]float32{0.5, 1, 1}, "sample 0: expected a class index in [0, 3), received 0.5"},
		{[]float32{float32(math.NaN()), 1, 1}, "sample 0: expected a class index in [0, 3), received NaN"},
	}
	for _, loss := range []Loss{SparseCategoricalCrossentropy{}, &SparseCategoricalCrossentropy{}} {
		for _, tt := range tests {
			y := &Tensor{Shape: []int{3, 1}, Data: tt.y}
			err := checkTargets(loss, y, []int{3})
			if (tt.want == "") != (err == nil) || err != nil && err.Error() != tt.want {
				t.Errorf("%T %v: error %v, want %q", loss, tt.y, err, tt.want)
			}
		}
	}
	// Other losses take any target.
	if err := checkTargets(mse{}, &Tensor{Shape: []int{1, 1}, Data: []float32{7.5}}, []int{3}); err != nil {
		t.Errorf("mse: %v", err)
	}
}

// The logged throughput and times: ImagesPerSec is the images trained in
// this epoch since Fit (re)started over Elapsed, and Elapsed and Duration
// exclude pauses. Every batch takes at least 2 ms (the source sleeps), the
// run pauses 40 ms after its first batch.
func TestFitTimings(t *testing.T) {
	const sleep = 2 * time.Millisecond
	for _, resume := range []*FitProgress{nil, {Step: 1, Samples: 2}} {
		var ctl Control
		tr := handTrainer(t, 0, 0)
		tr.Optimizer.SetLearningRate(0)
		src := handTrain()
		src.sleep = sleep
		first := 0
		if resume != nil {
			first = resume.Step
		}
		begin := time.Now()
		var logs []BatchLog
		var walls []time.Duration
		var epoch EpochLog
		var epochWall time.Duration
		_, err := tr.Fit(context.Background(), src, FitConfig{StepsPerEpoch: 4, BatchSize: 2, Control: &ctl, Resume: resume,
			OnBatch: func(l BatchLog) {
				logs = append(logs, l)
				walls = append(walls, time.Since(begin))
				if len(logs) == 1 {
					ctl.Pause()
					time.AfterFunc(40*time.Millisecond, ctl.Resume)
				}
			},
			OnEpoch: func(l EpochLog) { epoch, epochWall = l, time.Since(begin) },
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(logs) != 4-first {
			t.Fatalf("resume %v: %d batch logs", resume, len(logs))
		}
		for i, l := range logs {
			k := l.Step + 1 - first // batches trained since Fit began
			if k != i+1 {
				t.Fatalf("log %d is step %d", i, l.Step)
			}
			if got, want := l.ImagesPerSec*l.Elapsed.Seconds(), float64(2*k); math.Abs(got-want) > 1e-9*want {
				t.Errorf("resume %v, step %d: ImagesPerSec·Elapsed = %v, want %v images", resume, l.Step, got, want)
			}
			wall := walls[i]
			if i > 0 {
				wall -= 20 * time.Millisecond // the pause, less a margin
			}
			if l.Elapsed < time.Duration(k)*sleep || l.Elapsed > wall {
				t.Errorf("resume %v, step %d: Elapsed %v, want in [%v, %v]", resume, l.Step, l.Elapsed, time.Duration(k)*sleep, wall)
			}
		}
		if epoch.Duration < logs[len(logs)-1].Elapsed || epoch.Duration > epochWall-20*time.Millisecond {
			t.Errorf("resume %v: epoch Duration %v, want in [%v, %v]", resume, epoch.Duration, logs[len(logs)-1].Elapsed, epochWall-20*time.Millisecond)
		}
	}
}

// A validation source that fails stops Fit after the epoch's training, with
// the epoch in the error and that epoch left out of the history.
func TestFitValidationError(t *testing.T) {
	val := &cycleSource{batches: handVal().batches, failAt: 4}
	tr := handTrainer(t, 0, 0)
	hist, err := tr.Fit(context.Background(), handTrain(), FitConfig{Epochs: 3, StepsPerEpoch: 1, BatchSize: 2, Validation: val, ValidationSteps: 2})
	if want := "nn: fit: epoch 2: validation: step 2: reading a batch: disk gone"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	if hist.Len() != 1 {
		t.Errorf("history of %d epochs, want 1", hist.Len())
	}
}
