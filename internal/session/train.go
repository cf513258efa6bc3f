package session

import (
	"context"
	"errors"
	"fmt"
	"github.com/convscope/convscope/internal/exemplars"
	"sync"
	"time"

	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// TrainConfig holds a training run's settings. Zero values take the
// tutorial's defaults (nn.TutorialRecipe).
type TrainConfig struct {
	// Recipe holds the optimizer, learning rate, epochs, steps per epoch,
	// batch size and validation steps.
	nn.Recipe
	Loss string // Keras loss name; "" picks one from the output
	Seed int64
	// Init draws fresh weights from Seed before training; otherwise the
	// network's current weights are trained further.
	Init bool

	Train      nn.BatchSource
	Validation nn.BatchSource // optional

	// UpdateEvery is the least time between two OnProgress calls
	// (default 250 ms).
	UpdateEvery time.Duration
	// SnapshotEvery is the number of steps between two OnWeights calls
	// (default 5); they are also at least SnapshotInterval apart
	// (default 500 ms).
	SnapshotEvery    int
	SnapshotInterval time.Duration

	// Checkpoint, if set, is a file the run saves at the end of every
	// epoch (as Keras' ModelCheckpoint), with the optimizer's state and the
	// run's progress (nn.SaveCheckpoint), so that a run killed with the app
	// can continue: the app's autosave. Classes names the outputs in it and
	// Config is stored verbatim (the settings needed to rebuild the data
	// sources).
	Checkpoint string
	Classes    []string
	Config     string
	// Resume, if non-nil, continues the run a checkpoint recorded (read
	// with nn.LoadCheckpoint; net must be its model): the optimizer state
	// is restored and Fit starts at its progress. Train and Validation
	// must be fresh sources made as for the stopped run. History is the
	// stopped run's, kept in later checkpoints.
	Resume  *nn.Checkpoint
	History *nn.History
}

// DefaultTrainConfig returns the tutorial's settings (nn.TutorialRecipe)
// with fresh weights.
func DefaultTrainConfig() TrainConfig {
	return TrainConfig{Recipe: nn.TutorialRecipe(), Init: true}
}

// Progress is a training run's state, as the progress bar and plot show it.
type Progress struct {
	// Epoch and Step are 1-based; Step is 0 before the first batch.
	Epoch, Epochs int
	Step, Steps   int
	// Loss and Accuracy are the current epoch's running means.
	Loss, Accuracy float64
	ImagesPerSec   float64
	// Fraction of all steps done, 0..1.
	Fraction float64
	// ETA is the estimated time left (validation included).
	ETA time.Duration
	// Elapsed is the training time so far, pauses excluded.
	Elapsed time.Duration
	// LastEpoch holds the most recent epoch's logs (Epoch < 0: none yet).
	LastEpoch nn.EpochLog
	// LossChart and AccChart are the live plot's data (Metrics.Charts).
	LossChart, AccChart Chart
	Paused              bool
	Done                bool
}

// TrainResult is how a run ended.
type TrainResult struct {
	Net     *nn.Sequential
	History *nn.History
	// Stopped is set when Stop ended the run; Err is nil then.
	Stopped bool
	Err     error
	// Skipped lists the files the data sources skipped while reading
	// (Session.Train fills it in).
	Skipped string
	// Exemplars holds every map channel's top images of the last complete
	// validation pass (nil without validation data that names its images).
	Exemplars *exemplars.Collector
}

// TrainCallbacks receive a run's events, all on the training goroutine.
type TrainCallbacks struct {
	// OnProgress is called at most every UpdateEvery, after every epoch
	// and at the end.
	OnProgress func(Progress)
	// OnWeights is called every few steps with the training network, to
	// snapshot its weights (Session.LiveWeights). It must not keep net.
	OnWeights func(net *nn.Sequential)
	// OnDone is called once, last.
	OnDone func(TrainResult)
	// OnCheckpointError is called when an epoch-end checkpoint (TrainConfig.
	// Checkpoint) could not be saved; training goes on.
	OnCheckpointError func(error)
}

// MaxPlotPoints bounds the points per series sent to the plot.
const MaxPlotPoints = 400

// Training is a running (or finished) training run.
type Training struct {
	ctl    nn.Control
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	stopped bool
	result  TrainResult
	prog    Progress
	metrics *Metrics
}

// StartTraining trains net on its own goroutine; net belongs to the run
// until it is done (TrainResult.Net is net). It returns an error for an
// invalid configuration, before starting.
func StartTraining(net *nn.Sequential, cfg TrainConfig, cb TrainCallbacks) (*Training, error) {
	d := DefaultTrainConfig()
	if cfg.Epochs <= 0 {
		cfg.Epochs = d.Epochs
	}
	if cfg.StepsPerEpoch <= 0 {
		cfg.StepsPerEpoch = d.StepsPerEpoch
	}
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = d.BatchSize
	}
	if cfg.Validation != nil && cfg.ValidationSteps <= 0 {
		cfg.ValidationSteps = d.ValidationSteps
	}
	if cfg.Optimizer == "" {
		cfg.Optimizer = d.Optimizer
	}
	if cfg.UpdateEvery <= 0 {
		cfg.UpdateEvery = 250 * time.Millisecond
	}
	if cfg.SnapshotEvery <= 0 {
		cfg.SnapshotEvery = 5
	}
	if cfg.SnapshotInterval <= 0 {
		cfg.SnapshotInterval = 500 * time.Millisecond
	}
	if cfg.Train == nil {
		return nil, errors.New("no training data")
	}
	if cfg.Loss == "" {
		cfg.Loss = model.DefaultLoss(model.Outputs(net))
	}
	loss, err := nn.LossByName(cfg.Loss)
	if err != nil {
		return nil, err
	}
	opt, err := nn.OptimizerByName(cfg.Optimizer, cfg.LearningRate)
	if err != nil {
		return nil, err
	}
	if cfg.Init && cfg.Resume == nil {
		net.Init(cfg.Seed)
	}
	if cfg.Resume != nil {
		so, ok := opt.(nn.StatefulOptimizer)
		if !ok {
			return nil, fmt.Errorf("optimizer %s cannot resume", opt.Name())
		}
		if err := so.SetState(net.Params(), cfg.Resume.Optimizer); err != nil {
			return nil, err
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	t := &Training{cancel: cancel, done: make(chan struct{}), metrics: NewMetrics(cfg.StepsPerEpoch)}
	t.prog = Progress{Epochs: cfg.Epochs, Steps: cfg.StepsPerEpoch, LastEpoch: nn.EpochLog{Epoch: -1}}
	go t.run(ctx, net, nn.NewTrainer(net, loss, opt), cfg, cb)
	return t, nil
}

func (t *Training) run(ctx context.Context, net *nn.Sequential, tr *nn.Trainer, cfg TrainConfig, cb TrainCallbacks) {
	defer close(t.done)
	var lastEmit, lastSnap time.Time
	var doneTime time.Duration // train+validation time of finished epochs
	totalSteps := cfg.Epochs * cfg.StepsPerEpoch
	emit := func(force bool) {
		if cb.OnProgress == nil || (!force && time.Since(lastEmit) < cfg.UpdateEvery) {
			return
		}
		lastEmit = time.Now()
		cb.OnProgress(t.Progress())
	}
	snap := func(force bool, steps int) {
		if cb.OnWeights == nil {
			return
		}
		if force || (steps%cfg.SnapshotEvery == 0 && time.Since(lastSnap) >= cfg.SnapshotInterval) {
			lastSnap = time.Now()
			cb.OnWeights(net)
		}
	}
	fc := cfg.FitConfig()
	fc.Validation, fc.Control = cfg.Validation, &t.ctl
	var ckpt checkpointer
	if cfg.Resume != nil {
		p := cfg.Resume.Progress
		fc.Resume = &p
	}
	if cfg.Checkpoint != "" {
		ckpt = checkpointer{path: cfg.Checkpoint, net: net, tr: tr, classes: cfg.Classes, config: cfg.Config, prior: cfg.History}
	}
	if cfg.Validation == nil {
		fc.ValidationSteps = 0
	}
	fc.OnBatch = func(l nn.BatchLog) {
		t.mu.Lock()
		t.metrics.AddBatch(l)
		p := &t.prog
		p.Epoch, p.Step, p.Loss, p.Accuracy, p.ImagesPerSec = l.Epoch+1, l.Step+1, l.Loss, l.Accuracy, l.ImagesPerSec
		p.Elapsed = doneTime + l.Elapsed
		done := l.Epoch*cfg.StepsPerEpoch + l.Step + 1
		p.Fraction = float64(done) / float64(totalSteps)
		p.ETA = eta(doneTime, l, cfg)
		t.mu.Unlock()
		snap(false, done)
		emit(l.Step+1 == l.Steps)
	}
	fc.OnEpoch = func(l nn.EpochLog) {
		t.mu.Lock()
		t.metrics.AddEpoch(l)
		doneTime += l.Duration
		t.prog.LastEpoch = l
		t.prog.Elapsed = doneTime
		t.mu.Unlock()
		snap(true, 0)
		emit(true)
		if ckpt.path != "" {
			if err := ckpt.save(l); err != nil && cb.OnCheckpointError != nil {
				cb.OnCheckpointError(err)
			}
		}
	}
	var ex *exemplars.Collector
	if cfg.Validation != nil {
		ex = gatherExemplars(&fc, net, cfg.Validation)
	}
	hist, err := fitCaught(ctx, tr, cfg.Train, fc)
	t.mu.Lock()
	stopped := t.stopped && errors.Is(err, context.Canceled)
	if stopped {
		err = nil
	}
	t.result = TrainResult{Net: net, History: hist, Stopped: stopped, Err: err, Exemplars: ex}
	t.prog.Done = true
	t.prog.ETA = 0
	res := t.result
	t.mu.Unlock()
	snap(true, 0)
	emit(true)
	if cb.OnDone != nil {
		cb.OnDone(res)
	}
}

// fitCaught is tr.Fit with a panic (a bug) turned into the run's error.
func fitCaught(ctx context.Context, tr *nn.Trainer, src nn.BatchSource, fc nn.FitConfig) (hist *nn.History, err error) {
	defer catch("training", func(e error) { hist, err = &nn.History{}, e })
	return tr.Fit(ctx, src, fc)
}

// eta estimates the time left from the finished epochs' durations
// (validation included) and the current epoch's pace.
func eta(doneTime time.Duration, l nn.BatchLog, cfg TrainConfig) time.Duration {
	stepsDone := l.Epoch*cfg.StepsPerEpoch + l.Step + 1
	perStep := float64(doneTime+l.Elapsed) / float64(stepsDone)
	left := cfg.Epochs*cfg.StepsPerEpoch - stepsDone
	return time.Duration(perStep * float64(left)).Round(time.Second)
}

// Progress returns the run's current state with fresh chart data.
func (t *Training) Progress() Progress {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.prog
	p.LossChart, p.AccChart = t.metrics.Charts(MaxPlotPoints)
	p.Paused = t.ctl.Paused()
	return p
}

// Pause pauses training before the next batch.
func (t *Training) Pause() { t.ctl.Pause() }

// Resume continues a paused run.
func (t *Training) Resume() { t.ctl.Resume() }

// Paused reports whether the run is paused.
func (t *Training) Paused() bool { return t.ctl.Paused() }

// Stop ends the run after the current batch (a paused run stops at once).
func (t *Training) Stop() {
	t.mu.Lock()
	t.stopped = true
	t.mu.Unlock()
	t.cancel()
}

// Done is closed when the run has ended and OnDone has returned.
func (t *Training) Done() <-chan struct{} { return t.done }

// Running reports whether the run has not ended.
func (t *Training) Running() bool {
	select {
	case <-t.done:
		return false
	default:
		return true
	}
}

// Wait blocks until the run has ended and returns its result.
func (t *Training) Wait() TrainResult {
	<-t.done
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.result
}

// FormatETA formats a duration as h:mm:ss or m:ss.
func FormatETA(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
