package cli

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// trainConfig is the part of the train command's flags a checkpoint
// records ("train_config"), so that --resume continues with the same data,
// seed and schedule.
type trainConfig struct {
	Train           string  `json:"train"`
	Val             string  `json:"val,omitempty"`
	ValSplit        float64 `json:"validation_split,omitempty"`
	Epochs          int     `json:"epochs"`
	StepsPerEpoch   int     `json:"steps_per_epoch"`
	Batch           int     `json:"batch"`
	ValidationSteps int     `json:"validation_steps"`
	Optimizer       string  `json:"optimizer"`
	LR              float64 `json:"lr"`
	Seed            int64   `json:"seed"`
	History         string  `json:"history,omitempty"`
}

// config returns the flags a checkpoint records, as JSON.
func (f *trainFlags) config() string {
	b, _ := json.Marshal(trainConfig{f.train, f.val, f.valSplit, f.epochs, f.steps, f.batch, f.valSteps, f.optimizer, f.lr, f.seed, f.history})
	return string(b)
}

// resumed is a stopped run read back for --resume.
type resumed struct {
	net  *nn.Sequential
	meta nn.Metadata
	ck   *nn.Checkpoint
}

// loadResume reads the checkpoint named by --resume and fills every flag
// not given on the command line from the run it records. --out defaults to
// the checkpoint itself.
func (f *trainFlags) loadResume(fs *flagSet) (*resumed, error) {
	if fs.given("arch") {
		return nil, fs.bad("--arch cannot be used with --resume: the architecture comes from the checkpoint")
	}
	net, meta, ck, err := nn.LoadCheckpoint(f.resume)
	if err != nil {
		// The engine's message for a graph names its Go API ("open it
		// with LoadGraph or LoadGraphFile"); say what the user can do.
		if m, oerr := model.Open(f.resume); oerr == nil && m.Graph != nil {
			return nil, fmt.Errorf("%s is a functional (graph) model: training, and so --resume, works on Sequential models; use it with --model, or with --base for transfer learning", f.resume)
		}
		return nil, err
	}
	if ck == nil {
		return nil, fmt.Errorf("%s holds no training state (no optimizer state or progress); it can be used with --model, not resumed", f.resume)
	}
	var c trainConfig
	if err := json.Unmarshal([]byte(ck.Config), &c); err != nil || c.Train == "" {
		return nil, fmt.Errorf("%s: the checkpoint does not record how it was trained (train_config); it cannot be resumed", f.resume)
	}
	set := func(name string, apply func()) {
		if !fs.given(name) {
			apply()
		}
	}
	set("train", func() { f.train = c.Train })
	set("val", func() { f.val = c.Val })
	set("validation-split", func() { f.valSplit = c.ValSplit })
	set("epochs", func() { f.epochs = c.Epochs })
	set("steps-per-epoch", func() { f.steps = c.StepsPerEpoch })
	set("batch", func() { f.batch = c.Batch })
	set("validation-steps", func() { f.valSteps = c.ValidationSteps })
	set("optimizer", func() { f.optimizer = c.Optimizer })
	set("lr", func() { f.lr = c.LR })
	set("seed", func() { f.seed = c.Seed })
	set("history", func() { f.history = c.History })
	set("out", func() { f.out = f.resume })
	if ck.Progress.Epoch >= f.epochs && ck.Progress.Step == 0 {
		return nil, fs.bad("%s has already trained %d epochs; pass --epochs N with N > %d to train on", f.resume, ck.Progress.Epoch, ck.Progress.Epoch)
	}
	if ck.Progress.Epoch >= f.epochs || ck.Progress.Step > f.steps {
		return nil, fs.bad("%s stopped at epoch %d, step %d, which does not fit --epochs %d --steps-per-epoch %d", f.resume, ck.Progress.Epoch+1, ck.Progress.Step, f.epochs, f.steps)
	}
	return &resumed{net: net, meta: meta, ck: ck}, nil
}

// trainRun is a training run's state as the command saves it: a checkpoint
// at the end of every epoch (as Keras' ModelCheckpoint), on Ctrl+C and at
// the end, so that `convscope train --resume OUT` continues it.
type trainRun struct {
	f       *trainFlags
	net     *nn.Sequential
	tr      *nn.Trainer
	classes []string
	prior   *nn.History // epochs trained before this invocation (--resume)
	epochs  *nn.History // epochs finished in this invocation
	saveErr error       // the first failed epoch-end save
}

// history returns every epoch trained so far, earlier invocations' first.
func (r *trainRun) history() *nn.History {
	h := &nn.History{}
	if r.prior != nil {
		h.Extend(r.prior)
	}
	if err := h.Extend(r.epochs); err != nil {
		return r.epochs // metrics changed (validation added): keep this run's
	}
	return h
}

// onEpoch records a finished epoch and saves a checkpoint.
func (r *trainRun) onEpoch(l nn.EpochLog) {
	names := []string{"loss", r.tr.Metric.Name()}
	values := []float64{l.Loss, l.Accuracy}
	if l.Validated {
		names = append(names, "val_loss", "val_"+r.tr.Metric.Name())
		values = append(values, l.ValLoss, l.ValAccuracy)
	}
	r.epochs.Append(l.Epoch, names, values)
	if err := r.save(); err != nil && r.saveErr == nil {
		r.saveErr = err
	}
}

// save writes the model with its optimizer state and progress to --out. A
// run stopped by a non-finite loss has its weights restored but not its
// optimizer state: it is saved as a plain model.
func (r *trainRun) save(fitErr ...error) error {
	meta := nn.Metadata{ClassNames: r.classes, History: r.history()}
	so, ok := r.tr.Optimizer.(nn.StatefulOptimizer)
	if !ok || (len(fitErr) > 0 && errors.Is(fitErr[0], nn.ErrLossNotFinite)) {
		return nn.SaveFile(r.f.out, r.net, meta)
	}
	ck := nn.Checkpoint{Optimizer: so.State(), Progress: r.tr.Progress(), Config: r.f.config()}
	return nn.SaveCheckpoint(r.f.out, r.net, meta, ck, r.tr.Optimizer.LearningRate())
}

// trainBatchHook, when set (by tests), is called after every batch.
var trainBatchHook func(nn.BatchLog)
