package nn

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// Trainer trains a Sequential model, or a Graph with one output, with a
// loss, an optimizer and a metric: what Keras' model.compile sets up. It
// owns the input, target and gradient buffers, allocated once per batch
// size. A Trainer is not safe for concurrent use; its callbacks run on the
// goroutine that called Fit.
type Trainer struct {
	Model *Sequential
	// Graph, if set (NewGraphTrainer), is the model trained instead of
	// Model: a built Graph with one output (Keras' functional model.fit).
	// Its frozen nodes (SetTrainable) keep their weights and run in
	// inference mode.
	Graph     *Graph
	Loss      Loss
	Optimizer Optimizer
	// Metric is reported as "accuracy"; NewTrainer sets AccuracyFor(loss).
	Metric Metric

	x, y, dy *Tensor
	snap     []float32 // parameter values before the last update
	progress FitProgress
}

// NewTrainer prepares m for training, as model.compile(loss=loss,
// optimizer=opt, metrics=["accuracy"]).
func NewTrainer(m *Sequential, loss Loss, opt Optimizer) *Trainer {
	return &Trainer{Model: m, Loss: loss, Optimizer: opt, Metric: AccuracyFor(loss)}
}

// NewGraphTrainer prepares the graph g (built, one output) for training,
// as NewTrainer does a Sequential model: Fit, TrainBatch and Evaluate then
// run g.
func NewGraphTrainer(g *Graph, loss Loss, opt Optimizer) *Trainer {
	return &Trainer{Graph: g, Loss: loss, Optimizer: opt, Metric: AccuracyFor(loss)}
}

// trainable is what a Trainer needs of a model (Sequential and Graph).
type trainable interface {
	Forward(x *Tensor, training bool) *Tensor
	Backward(dy *Tensor)
	Params() []*Param
	InputShape() []int
	OutputShape() []int
	WeightsChanged()
	Engine() Engine
}

// net is the model the Trainer trains: Graph if set, else Model.
func (t *Trainer) net() trainable {
	if t.Graph != nil {
		return t.Graph
	}
	return t.Model
}

// checkNet reports a model Fit cannot train: none, or a graph that is not
// built or has several outputs.
func (t *Trainer) checkNet() error {
	switch g := t.Graph; {
	case g == nil && t.Model == nil:
		return fmt.Errorf("nn: fit: the Trainer has no model")
	case g == nil:
		return nil
	case !g.built:
		return fmt.Errorf("nn: fit: the graph is not built: call Build first")
	case len(g.outs) != 1:
		return fmt.Errorf("nn: fit: expected a graph with 1 output, received %d (Fit trains one loss on one output)", len(g.outs))
	}
	return nil
}

// FitConfig holds Fit's arguments, named after Keras' fit.
type FitConfig struct {
	// Epochs is the index of the last epoch, so an epoch count when
	// InitialEpoch is 0 (Keras' epochs). Default 1.
	Epochs int
	// InitialEpoch is the epoch to start from, to resume an earlier run.
	InitialEpoch int
	// StepsPerEpoch is the number of batches per epoch; required.
	StepsPerEpoch int
	// BatchSize is the number of samples per batch, for training and
	// validation. Default 32.
	BatchSize int

	// Validation, if non-nil, is evaluated at the end of every epoch over
	// ValidationSteps batches (required then).
	Validation      BatchSource
	ValidationSteps int

	// OnBatch, if non-nil, is called after every training batch.
	OnBatch func(BatchLog)
	// OnEpoch, if non-nil, is called after every epoch (after validation).
	OnEpoch func(EpochLog)
	// OnValidationBatch, if non-nil, is called after the forward pass of
	// every validation batch (Step 0-based), while the model's Outputs
	// hold that batch's layer outputs: what gathers exemplars "for free".
	OnValidationBatch func(epoch, step int)
	// Control, if non-nil, pauses and resumes training between batches.
	Control *Control

	// Resume, if non-nil, continues a run that stopped at Resume (a
	// Trainer's Progress, saved in a checkpoint): training starts at its
	// epoch and step instead of InitialEpoch, the partial epoch's sums
	// carry on, and the sources, which must be fresh ones made as for the
	// first run, skip the samples that run drew (see SampleSkipper). With
	// the checkpoint's weights and optimizer state, the result is the
	// uninterrupted run's.
	Resume *FitProgress
}

// FitProgress is where a Fit run stands: the next batch to train and what
// the run has drawn so far. Trainer.Progress returns it; FitConfig.Resume
// continues from it.
type FitProgress struct {
	// Epoch and Step are the next batch to train (0-based). After a
	// complete epoch e they are e+1 and 0.
	Epoch, Step int
	// LossSum and MetricSum are the sums of the batch losses and of the
	// metric over the Step batches of the current epoch done so far.
	LossSum, MetricSum float64
	// Samples and ValSamples count the samples drawn from the training and
	// validation sources since the run began.
	Samples, ValSamples int64
}

// SampleSkipper is a BatchSource that can skip samples without producing
// them, so that a resumed Fit continues the data order where the stopped
// run left it. Fit calls SkipSamples once, before the first Next. Sources
// that do not implement it are advanced by drawing and discarding batches.
type SampleSkipper interface {
	BatchSource
	SkipSamples(n int64) error
}

// Progress returns where the last Fit stands: after it returns (stopped or
// not), or from an OnBatch or OnEpoch callback.
func (t *Trainer) Progress() FitProgress { return t.progress }

// BatchLog reports progress after a training batch, as Keras' progress bar.
// Epoch and Step are 0-based (display Epoch+1 of Epochs, Step+1 of Steps).
type BatchLog struct {
	Epoch, Epochs int
	Step, Steps   int
	// Loss and Accuracy are the means over the epoch so far.
	Loss, Accuracy float64
	// ImagesPerSec is the epoch's throughput so far, pauses excluded.
	ImagesPerSec float64
	// Elapsed is the time spent training in this epoch, pauses excluded.
	Elapsed time.Duration
}

// EpochLog reports a finished epoch (Keras' on_epoch_end logs). ValLoss and
// ValAccuracy are set when Validated.
type EpochLog struct {
	Epoch, Epochs        int
	Loss, Accuracy       float64
	Validated            bool
	ValLoss, ValAccuracy float64
	// Duration is the epoch's wall time, validation included, pauses excluded.
	Duration time.Duration
}

// ErrLossNotFinite is the error Fit's NaN/Inf stop wraps; test for it with
// errors.Is.
var ErrLossNotFinite = errors.New("loss is not finite")

// lossError is the error returned when the loss becomes NaN or Inf.
type lossError struct {
	loss        float64
	epoch, step int // 0-based
}

func (e *lossError) Error() string {
	return fmt.Sprintf("nn: loss became %v at epoch %d, step %d; weights from the last finite step kept", e.loss, e.epoch+1, e.step+1)
}

func (e *lossError) Unwrap() error { return ErrLossNotFinite }

// Fit trains the model on batches from train, as Keras' model.fit with a
// generator: for each epoch in [InitialEpoch, Epochs) it draws
// StepsPerEpoch batches, each time running the forward pass, the loss and
// its gradient, the backward pass and one optimizer step; then it evaluates
// Validation, records the epoch in the returned History and calls OnEpoch.
//
// Fit always returns the History of the epochs it completed. It stops early,
// with an error, when:
//   - ctx is done: after the current batch; the error wraps ctx.Err();
//   - a source fails: the error wraps the source's;
//   - the training loss becomes NaN or ±Inf: the weights are restored to
//     those of the last batch whose loss was finite, and the error wraps
//     ErrLossNotFinite. The optimizer's state is not restored; Reset it
//     before training on.
//
// Invalid configurations and targets (a class index the model cannot
// output, say) are returned as errors before any weight changes.
func (t *Trainer) Fit(ctx context.Context, train BatchSource, cfg FitConfig) (*History, error) {
	hist := &History{}
	if cfg.Epochs == 0 {
		cfg.Epochs = 1
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 32
	}
	if err := t.checkNet(); err != nil {
		return hist, err
	}
	switch {
	case cfg.Epochs < 0:
		return hist, fmt.Errorf("nn: fit: epochs must be positive, received %d", cfg.Epochs)
	case cfg.StepsPerEpoch <= 0:
		return hist, fmt.Errorf("nn: fit: steps_per_epoch must be positive, received %d", cfg.StepsPerEpoch)
	case cfg.BatchSize < 0:
		return hist, fmt.Errorf("nn: fit: batch_size must be positive, received %d", cfg.BatchSize)
	case cfg.InitialEpoch < 0 || cfg.InitialEpoch > cfg.Epochs:
		return hist, fmt.Errorf("nn: fit: initial_epoch must be in [0, epochs=%d], received %d", cfg.Epochs, cfg.InitialEpoch)
	case cfg.Validation != nil && cfg.ValidationSteps <= 0:
		return hist, fmt.Errorf("nn: fit: validation_steps must be positive with validation data, received %d", cfg.ValidationSteps)
	case cfg.Resume != nil && (cfg.Resume.Epoch < 0 || cfg.Resume.Epoch > cfg.Epochs || cfg.Resume.Step < 0 || cfg.Resume.Step > cfg.StepsPerEpoch ||
		cfg.Resume.Samples < 0 || cfg.Resume.ValSamples < 0):
		r := cfg.Resume
		return hist, fmt.Errorf("nn: fit: resume: expected epoch in [0, %d] and step in [0, %d], received epoch %d, step %d", cfg.Epochs, cfg.StepsPerEpoch, r.Epoch, r.Step)
	}
	t.ensureBuffers(cfg.BatchSize)
	t.progress = FitProgress{Epoch: cfg.InitialEpoch}
	if r := cfg.Resume; r != nil {
		t.progress = *r
		if err := skipSamples(train, r.Samples, t.x, t.y); err != nil {
			return hist, fmt.Errorf("nn: fit: resume: skipping %d training samples: %w", r.Samples, err)
		}
		if cfg.Validation != nil {
			if err := skipSamples(cfg.Validation, r.ValSamples, t.x, t.y); err != nil {
				return hist, fmt.Errorf("nn: fit: resume: skipping %d validation samples: %w", r.ValSamples, err)
			}
		}
		cfg.InitialEpoch = r.Epoch
	}
	names := []string{"loss", t.Metric.Name()}
	if cfg.Validation != nil {
		names = append(names, "val_loss", "val_"+t.Metric.Name())
	}
	params := t.net().Params()
	for epoch := cfg.InitialEpoch; epoch < cfg.Epochs; epoch++ {
		start := time.Now()
		var paused time.Duration
		lossSum, metricSum, first := t.progress.LossSum, t.progress.MetricSum, t.progress.Step
		for step := first; step < cfg.StepsPerEpoch; step++ {
			d, err := cfg.Control.wait(ctx)
			paused += d
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				return hist, fmt.Errorf("nn: fit stopped at epoch %d, step %d: %w", epoch+1, step+1, err)
			}
			if err := train.Next(t.x, t.y); err != nil {
				return hist, fmt.Errorf("nn: fit: epoch %d, step %d: reading a batch: %w", epoch+1, step+1, err)
			}
			if err := checkTargets(t.Loss, t.y, t.net().OutputShape()); err != nil {
				return hist, fmt.Errorf("nn: fit: epoch %d, step %d: %w", epoch+1, step+1, err)
			}
			loss, score := t.TrainBatch(t.x, t.y)
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				t.restore(params)
				return hist, &lossError{loss, epoch, step}
			}
			lossSum += loss
			metricSum += score
			t.progress = FitProgress{Epoch: epoch, Step: step + 1, LossSum: lossSum, MetricSum: metricSum,
				Samples: t.progress.Samples + int64(cfg.BatchSize), ValSamples: t.progress.ValSamples}
			if cfg.OnBatch != nil {
				el := time.Since(start) - paused
				n := float64(step + 1)
				var ips float64
				if el > 0 {
					ips = float64(step+1-first) * float64(cfg.BatchSize) / el.Seconds()
				}
				cfg.OnBatch(BatchLog{
					Epoch: epoch, Epochs: cfg.Epochs, Step: step, Steps: cfg.StepsPerEpoch,
					Loss: lossSum / n, Accuracy: metricSum / (n * float64(cfg.BatchSize)),
					ImagesPerSec: ips, Elapsed: el,
				})
			}
		}
		n := float64(cfg.StepsPerEpoch)
		log := EpochLog{Epoch: epoch, Epochs: cfg.Epochs, Loss: lossSum / n, Accuracy: metricSum / (n * float64(cfg.BatchSize))}
		values := []float64{log.Loss, log.Accuracy}
		if cfg.Validation != nil {
			var hook func(int)
			if cfg.OnValidationBatch != nil {
				hook = func(step int) { cfg.OnValidationBatch(epoch, step) }
			}
			vl, va, err := t.evaluate(ctx, cfg.Validation, cfg.ValidationSteps, hook)
			if err != nil {
				return hist, fmt.Errorf("nn: fit: epoch %d: validation: %w", epoch+1, err)
			}
			log.Validated, log.ValLoss, log.ValAccuracy = true, vl, va
			values = append(values, vl, va)
		}
		log.Duration = time.Since(start) - paused
		hist.Append(epoch, names, values)
		t.progress = FitProgress{Epoch: epoch + 1, Samples: t.progress.Samples, ValSamples: t.progress.ValSamples}
		if cfg.Validation != nil {
			t.progress.ValSamples += int64(cfg.ValidationSteps) * int64(cfg.BatchSize)
		}
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(log)
		}
	}
	return hist, nil
}

// TrainBatch runs one training step on the batch (x, y) and returns the
// batch loss and the metric's sum over the batch. When the loss is NaN or
// ±Inf it returns it without touching the weights. Otherwise it keeps a copy
// of the weights (Fit restores it when a later loss is not finite), then
// back-propagates and applies one optimizer step.
func (t *Trainer) TrainBatch(x, y *Tensor) (loss, metricSum float64) {
	pred := t.net().Forward(x, true)
	loss = t.Loss.Loss(pred, y)
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return loss, 0
	}
	metricSum = t.Metric.Sum(pred, y)
	if t.dy == nil || !slices.Equal(t.dy.Shape, pred.Shape) {
		t.dy = NewTensor(pred.Shape...)
	}
	t.Loss.Grad(t.dy, pred, y)
	t.net().Backward(t.dy)
	t.snapshot(t.net().Params())
	if u, ok := t.Optimizer.(engineUser); ok {
		u.setEngine(t.net().Engine()) // the optimizer computes as its model does
	}
	t.Optimizer.Step(t.net().Params())
	return loss, metricSum
}

// Evaluate returns the mean loss and metric of the model over steps batches
// of src, in inference mode (Keras' model.evaluate). It stops early with an
// error wrapping ctx.Err() when ctx is done.
func (t *Trainer) Evaluate(ctx context.Context, src BatchSource, steps, batchSize int) (loss, metric float64, err error) {
	if steps <= 0 || batchSize <= 0 {
		return 0, 0, fmt.Errorf("nn: evaluate: expected positive steps and batch size, received %d and %d", steps, batchSize)
	}
	if err := t.checkNet(); err != nil {
		return 0, 0, err
	}
	t.ensureBuffers(batchSize)
	return t.evaluate(ctx, src, steps, nil)
}

func (t *Trainer) evaluate(ctx context.Context, src BatchSource, steps int, hook func(step int)) (loss, metric float64, err error) {
	for step := 0; step < steps; step++ {
		if err := ctx.Err(); err != nil {
			return 0, 0, fmt.Errorf("stopped at step %d: %w", step+1, err)
		}
		if err := src.Next(t.x, t.y); err != nil {
			return 0, 0, fmt.Errorf("step %d: reading a batch: %w", step+1, err)
		}
		if err := checkTargets(t.Loss, t.y, t.net().OutputShape()); err != nil {
			return 0, 0, fmt.Errorf("step %d: %w", step+1, err)
		}
		pred := t.net().Forward(t.x, false)
		if hook != nil {
			hook(step)
		}
		loss += t.Loss.Loss(pred, t.y)
		metric += t.Metric.Sum(pred, t.y)
	}
	n := float64(steps)
	return loss / n, metric / (n * float64(t.x.Shape[0])), nil
}

// ensureBuffers sizes x and y for batches of n samples.
func (t *Trainer) ensureBuffers(n int) {
	if t.x != nil && t.x.Shape[0] == n {
		return
	}
	t.x = NewTensor(append([]int{n}, t.net().InputShape()...)...)
	t.y = NewTensor(n, targetSize(t.Loss, shapeSize(t.net().OutputShape())))
}

// snapshot copies every parameter value into t.snap.
func (t *Trainer) snapshot(params []*Param) {
	if t.snap == nil {
		n := 0
		for _, p := range params {
			n += len(p.Value)
		}
		t.snap = make([]float32, n)
	}
	off := 0
	for _, p := range params {
		off += copy(t.snap[off:], p.Value)
	}
}

// restore copies t.snap back into the parameters, if a snapshot exists.
func (t *Trainer) restore(params []*Param) {
	if t.snap == nil {
		return
	}
	off := 0
	for _, p := range params {
		off += copy(p.Value, t.snap[off:off+len(p.Value)])
	}
	t.net().WeightsChanged()
}

// skipSamples advances a fresh source by n samples: through SkipSamples
// when it has it, otherwise by drawing n/batch batches into x and y.
func skipSamples(src BatchSource, n int64, x, y *Tensor) error {
	if n == 0 {
		return nil
	}
	if s, ok := src.(SampleSkipper); ok {
		return s.SkipSamples(n)
	}
	b := int64(x.Shape[0])
	if n%b != 0 {
		return fmt.Errorf("expected a multiple of the batch size %d, received %d", b, n)
	}
	for i := int64(0); i < n/b; i++ {
		if err := src.Next(x, y); err != nil {
			return err
		}
	}
	return nil
}

// checkTargets returns an error for targets the loss cannot use: class
// indices outside the model's outputs, for the sparse loss.
func checkTargets(loss Loss, y *Tensor, out []int) error {
	switch loss.(type) {
	case SparseCategoricalCrossentropy, *SparseCategoricalCrossentropy:
		k := shapeSize(out)
		for i, v := range y.Data {
			if c := int(v); float32(c) != v || c < 0 || c >= k {
				return fmt.Errorf("sample %d: expected a class index in [0, %d), received %v", i, k, v)
			}
		}
	}
	return nil
}
