package session

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/transfer"
	"github.com/convscope/convscope/nn"
)

// TransferRequest asks for transfer learning with the model on screen as
// the base (internal/transfer): cut after CutAfter (empty: the last
// layer with a spatial output), frozen, a new head trained on Data's
// folders, then optionally the top FineTuneLayers layers fine-tuned.
type TransferRequest struct {
	CutAfter string
	Head     string // "gap" (default) or "flatten"
	Dense    int
	Dropout  float64
	// Augment turns on the Keras book's augmentation (no feature cache).
	Augment bool
	// FineTuneLayers > 0 fine-tunes that many top base layers for
	// FineTuneEpochs epochs (default Config.Epochs) at FineTuneLR
	// (default a tenth of the tutorial's rate).
	FineTuneLayers, FineTuneEpochs int
	FineTuneLR                     float64
	// Config's Optimizer, LearningRate, Epochs, BatchSize and Seed apply
	// (an epoch is one pass over the training folder).
	Config TrainConfig
	// Data: TrainDir, and ValDir if set.
	Data DataSpec
	// Live shows the training weights in the grid after every epoch.
	Live bool
}

// CutChoice is a layer of the model on screen the head can read.
type CutChoice struct {
	Name  string
	Shape []int
}

// TransferCuts lists the layers of the model on screen with a spatial
// output (where a head can be attached), the default last.
func (s *Session) TransferCuts() []CutChoice {
	var out []CutChoice
	net := s.model.Net // layer names and shapes never change after Build
	if net == nil {
		for _, n := range s.model.Graph.Nodes() {
			if len(n.OutputShape) == 3 {
				out = append(out, CutChoice{n.Name, n.OutputShape})
			}
		}
		return out
	}
	for i, l := range net.Layers() {
		if sh := net.LayerOutputShape(i); len(sh) == 3 {
			out = append(out, CutChoice{l.Name(), sh})
		}
	}
	return out
}

// TrainTransfer prepares a transfer-learning run off the UI goroutine
// (the base from the model on screen, the folders, the new model) and
// starts it; the new model is put on screen and trained as any training
// run is shown (live plot, activations). See RunCallbacks.
func (s *Session) TrainTransfer(req TransferRequest, cb RunCallbacks) {
	s.call(func() {
		p, err := s.prepareTransfer(req)
		s.post(func() {
			if err != nil {
				cb.OnStart(nil, nil, err)
				return
			}
			s.launchTransfer(req, p, cb)
		})
	})
}

type transferRun struct {
	m              *transfer.Model
	train          *transfer.FolderSamples
	val            transfer.Samples
	display, live  *nn.Sequential
	classes        []string
	baseMeta       nn.Metadata
	baseLabel      string
	data           *Data
	headEpochs, ft int
}

func (s *Session) prepareTransfer(req TransferRequest) (*transferRun, error) {
	if req.Data.TrainDir == "" {
		return nil, errors.New("transfer learning needs a training folder (one subfolder per class)")
	}
	var (
		base *nn.Graph
		prep dataset.Options
		r    = &transferRun{}
		err  error
		done = make(chan struct{})
	)
	s.Do(func(m *Model) {
		defer close(done)
		if m.Net != nil {
			base, err = m.Net.ToGraph()
		} else {
			base, err = copyGraph(m.Graph)
		}
		r.baseMeta, r.baseLabel, prep = m.Meta, m.Label, m.Prep()
		if m.Path != "" {
			r.baseLabel = m.Path
		}
	})
	<-done
	if err != nil {
		return nil, fmt.Errorf("the model on screen cannot be a base: %w", err)
	}
	if r.train, err = transfer.NewFolderSamples(req.Data.TrainDir, base.InputShape(), prep, r.baseMeta, nil); err != nil {
		return nil, err
	}
	r.classes = r.train.Folder.Classes
	if req.Data.ValDir != "" {
		v, err := transfer.NewFolderSamples(req.Data.ValDir, base.InputShape(), r.train.Prep, r.baseMeta, r.classes)
		if err != nil {
			return nil, err
		}
		r.val = v
	}
	r.m, err = transfer.New(base, transfer.Options{CutAfter: req.CutAfter, Head: req.Head, Dense: req.Dense, Dropout: req.Dropout, Classes: len(r.classes), Seed: req.Config.Seed})
	if err != nil {
		return nil, err
	}
	if req.FineTuneLayers > len(r.m.BaseNodes) {
		return nil, fmt.Errorf("fine-tune layers: expected at most the %d layers the base keeps, received %d", len(r.m.BaseNodes), req.FineTuneLayers)
	}
	if r.display, err = r.m.Sequential(); err != nil {
		return nil, err
	}
	if r.live, err = r.m.Sequential(); err != nil {
		return nil, err
	}
	r.data = &Data{Classes: r.classes, Report: fmt.Sprintf("Found %d images belonging to %d classes; base cut after %s", r.train.Len(), len(r.classes), r.m.CutAfter)}
	return r, nil
}

// launchTransfer starts the run (UI goroutine).
func (s *Session) launchTransfer(req TransferRequest, r *transferRun, cb RunCallbacks) {
	c := req.Config
	if c.Epochs <= 0 {
		c.Epochs = 10
	}
	if c.BatchSize <= 0 {
		c.BatchSize = nn.TutorialRecipe().BatchSize
	}
	if c.UpdateEvery <= 0 {
		c.UpdateEvery = 250 * time.Millisecond
	}
	r.headEpochs, r.ft = c.Epochs, 0
	if req.FineTuneLayers > 0 {
		r.ft = req.FineTuneEpochs
		if r.ft <= 0 {
			r.ft = c.Epochs
		}
	}
	b := min(c.BatchSize, r.train.Len())
	steps := (r.train.Len() + b - 1) / b
	shown := &Model{Net: r.display, Classes: r.classes, Label: "transfer training…"}
	s.SetModel(shown)
	ctx, cancel := context.WithCancel(context.Background())
	t := &Training{cancel: cancel, done: make(chan struct{}), metrics: NewMetrics(steps)}
	total := r.headEpochs + r.ft
	t.prog = Progress{Epochs: total, Steps: steps, LastEpoch: nn.EpochLog{Epoch: -1}}
	var progress Latest[Progress]
	onProgress := func(p Progress) { deliver(&progress, s.post, p, cb.OnProgress) }
	go func() {
		res := t.runTransfer(ctx, req, r, c, steps, total, onProgress, func() {
			if req.Live && r.m.SyncFull() == nil && transfer.CopyInto(r.live, r.m.Full) == nil {
				_ = s.LiveWeights(r.live)
			}
		})
		s.post(func() {
			if res.Net != nil {
				meta, _ := transfer.Metadata(r.baseMeta, r.classes, res.History, originOf(r, req),
					transfer.TrainingData{Name: req.Data.TrainDir, Images: r.train.Len(), ValidationName: req.Data.ValDir, ValidationImages: lenOf(r.val)})
				label := "transfer model (unsaved)"
				if res.History == nil || res.History.Len() == 0 {
					label = "transfer model (stopped before the first epoch)"
				}
				s.SetModel(&Model{Net: res.Net, Classes: r.classes, Label: label, Trained: true, Meta: meta})
			}
			cb.OnDone(res)
		})
	}()
	cb.OnStart(t, r.data, nil)
}

func lenOf(s transfer.Samples) int {
	if s == nil {
		return 0
	}
	return s.Len()
}

func originOf(r *transferRun, req TransferRequest) transfer.Origin {
	o := r.m.Origin(r.baseLabel)
	if r.ft > 0 {
		o.FineTunedLayers = req.FineTuneLayers
	}
	return o
}

// runTransfer trains the head, then fine-tunes, on the run's goroutine,
// reporting as Training.run does.
func (t *Training) runTransfer(ctx context.Context, req TransferRequest, r *transferRun, c TrainConfig, steps, total int, onProgress func(Progress), snapshot func()) TrainResult {
	defer close(t.done)
	var lastEmit time.Time
	var doneTime time.Duration
	emit := func(force bool) {
		if force || time.Since(lastEmit) >= c.UpdateEvery {
			lastEmit = time.Now()
			onProgress(t.Progress())
		}
	}
	cfg := transfer.Config{Optimizer: c.Optimizer, LearningRate: c.LearningRate, Epochs: r.headEpochs, BatchSize: c.BatchSize,
		Seed: c.Seed, Validation: r.val, Control: &t.ctl}
	if req.Augment {
		a := transfer.TutorialAugment()
		cfg.Augment = &a
	}
	cfg.OnBatch = func(l nn.BatchLog) {
		l.Epochs = total
		t.mu.Lock()
		t.metrics.AddBatch(l)
		p := &t.prog
		p.Epoch, p.Step, p.Loss, p.Accuracy, p.ImagesPerSec = l.Epoch+1, l.Step+1, l.Loss, l.Accuracy, l.ImagesPerSec
		p.Elapsed = doneTime + l.Elapsed
		p.Fraction = float64(l.Epoch*steps+l.Step+1) / float64(total*steps)
		t.mu.Unlock()
		emit(l.Step+1 == l.Steps)
	}
	cfg.OnEpoch = func(l nn.EpochLog) {
		l.Epochs = total
		t.mu.Lock()
		t.metrics.AddEpoch(l)
		doneTime += l.Duration
		t.prog.LastEpoch, t.prog.Elapsed = l, doneTime
		if l.Epoch >= 0 {
			t.prog.ETA = epochETA(doneTime, l.Epoch+1, total)
		}
		t.mu.Unlock()
		snapshot()
		emit(true)
	}
	hist, _, err := r.m.FitHead(ctx, r.train, cfg)
	if err == nil && r.ft > 0 {
		cfg.LearningRate, cfg.InitialEpoch, cfg.Epochs = req.FineTuneLR, r.headEpochs, r.headEpochs+r.ft
		var h2 *nn.History
		h2, err = r.m.FineTune(ctx, r.train, req.FineTuneLayers, cfg)
		if xerr := hist.Extend(h2); err == nil {
			err = xerr
		}
	}
	net, serr := r.m.Sequential()
	if err == nil {
		err = serr
	}
	t.mu.Lock()
	stopped := t.stopped && errors.Is(err, context.Canceled)
	if stopped {
		err = nil
	}
	t.result = TrainResult{Net: net, History: hist, Stopped: stopped, Err: err}
	t.prog.Done, t.prog.ETA = true, 0
	res := t.result
	t.mu.Unlock()
	emit(true)
	return res
}

// copyGraph returns an independent copy of g (architecture and every
// weight, BatchNormalization's statistics included), for a transfer run
// to cut and train while the worker keeps showing the original.
func copyGraph(g *nn.Graph) (*nn.Graph, error) {
	c, err := g.Arch().Build()
	if err != nil {
		return nil, err
	}
	if err := c.CopyWeightsFrom(g); err != nil {
		return nil, err
	}
	return c, nil
}

// epochETA estimates the time left after done of total epochs took
// doneTime: the mean epoch time × the epochs left, rounded to the second.
func epochETA(doneTime time.Duration, done, total int) time.Duration {
	if done <= 0 || done >= total {
		return 0
	}
	return time.Duration(float64(doneTime) / float64(done) * float64(total-done)).Round(time.Second)
}
