package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/convscope/convscope/internal/atomicfile"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

const trainHelp = `Trains a model as the Keras tutorial does (model.fit with
flow_from_directory) and saves it with its class names, preprocessing and
history. DIR holds one subfolder per class (e.g. train/cats, train/dogs);
"--train builtin" uses the built-in generated shapes instead. Without
--arch, the tutorial's convnet (150x150x3 input, one sigmoid output):
binary cross-entropy for one output, categorical for more.

Progress is printed as Keras prints it, redrawn in place on a terminal and
one line per epoch otherwise. The model is saved with its optimizer state
at the end of every epoch (as Keras' ModelCheckpoint) and when training
ends. Ctrl+C stops after the current batch and saves the model trained so
far (exit status 130); "convscope train --resume MODEL" continues a stopped
run to the result the uninterrupted run would have had, with the data,
seed and settings recorded in MODEL (flags given override them; --epochs
N trains on to N epochs). Files that cannot be read are skipped and
reported.

With --base MODEL, train does transfer learning instead: a model cut,
frozen and given a new head (convscope train --base MODEL --help).
`

// trainFlags are the train command's settings.
type trainFlags struct {
	train, val, arch, out, history, optimizer string
	resume                                    string
	valSplit, lr                              float64
	epochs, steps, batch, valSteps            int
	seed                                      int64
}

// builtinData is the --train value for the generated dataset.
const builtinData = "builtin"

// runTrain trains a model.
func runTrain(e *env, args []string) error {
	if wantsBase(args) { // transfer learning: trainbase.go
		return runTrainBase(e, args)
	}
	d := nn.TutorialRecipe()
	var f trainFlags
	fs := newFlagSet("train",
		"convscope train --train DIR|builtin [--val DIR | --validation-split F] [--arch FILE] --out MODEL.safetensors [flags]\n       convscope train --resume MODEL.safetensors [flags]",
		trainHelp)
	fs.StringVar(&f.train, "train", "", "training images: a `DIR` of class subfolders, or \"builtin\"")
	fs.StringVar(&f.val, "val", "", "validation images: a `DIR` with the same class subfolders")
	fs.Float64Var(&f.valSplit, "validation-split", 0, "hold out a `FRACTION` of each class of --train for validation (drawn with --seed)")
	fs.StringVar(&f.arch, "arch", "", "architecture `FILE` (JSON); default: the tutorial's convnet")
	fs.IntVar(&f.epochs, "epochs", d.Epochs, "train for `N` epochs")
	fs.IntVar(&f.steps, "steps-per-epoch", d.StepsPerEpoch, "`N` batches per epoch")
	fs.IntVar(&f.batch, "batch", d.BatchSize, "`N` images per batch")
	fs.StringVar(&f.optimizer, "optimizer", d.Optimizer, "optimizer `NAME`: rmsprop, adam or sgd")
	fs.Float64Var(&f.lr, "lr", d.LearningRate, "learning rate `LR`")
	fs.IntVar(&f.valSteps, "validation-steps", d.ValidationSteps, "`N` validation batches after each epoch")
	fs.Int64Var(&f.seed, "seed", 0, "random seed `N` for the initial weights, the shuffling and the split")
	fs.StringVar(&f.out, "out", "", "save the model to `FILE` (.safetensors)")
	fs.StringVar(&f.history, "history", "", "also write the per-epoch metrics to `FILE` as CSV (as Keras' CSVLogger)")
	fs.StringVar(&f.resume, "resume", "", "continue the stopped run saved in `MODEL` (--out defaults to MODEL)")
	err := fs.parseNoArgs(e.stdout, args)
	if err != nil {
		return err
	}
	var res *resumed
	if f.resume != "" {
		if res, err = f.loadResume(fs); err != nil {
			return err
		}
	}
	if err := f.check(fs); err != nil {
		return err
	}
	if err := checkOutPath(f.out); err != nil {
		return err
	}
	if f.history != "" {
		if err := checkOutPath(f.history); err != nil {
			return err
		}
	}

	var net *nn.Sequential
	if res != nil {
		net = res.net
	} else {
		if net, err = buildNet(f.arch); err != nil {
			return err
		}
		net.Init(f.seed)
	}
	outputs := model.Outputs(net)
	loss, err := nn.LossByName(model.DefaultLoss(outputs))
	if err != nil {
		return err
	}
	opt, err := nn.OptimizerByName(f.optimizer, f.lr)
	if err != nil {
		return err
	}
	if res != nil {
		if err := opt.(nn.StatefulOptimizer).SetState(net.Params(), res.ck.Optimizer); err != nil {
			return fmt.Errorf("%s: %w", f.resume, err)
		}
	}
	if err := model.CheckBatch(net, f.batch); err != nil {
		return fmt.Errorf("--batch: %w", err)
	}
	data, err := model.OpenData(f.dataSpec(), net.InputShape(), outputs, f.batch, f.valSteps)
	if err != nil {
		return err
	}
	defer data.Close()
	fmt.Fprintln(e.stdout, data.Report)

	log := newTrainLog(e.stdout, isTerminal(e.stdout), f.steps)
	tr := nn.NewTrainer(net, loss, opt)
	run := &trainRun{f: &f, net: net, tr: tr, classes: data.Classes, epochs: &nn.History{}}
	cfg := nn.FitConfig{
		Epochs: f.epochs, StepsPerEpoch: f.steps, BatchSize: f.batch,
		Validation: data.Validation, ValidationSteps: f.valSteps,
		OnBatch: log.batch,
		OnEpoch: func(l nn.EpochLog) { log.epoch(l); run.onEpoch(l) },
	}
	if trainBatchHook != nil {
		cfg.OnBatch = func(l nn.BatchLog) { log.batch(l); trainBatchHook(l) }
	}
	if data.Validation == nil {
		cfg.ValidationSteps = 0
	}
	first := 0
	if res != nil {
		cfg.Resume = &res.ck.Progress
		run.prior = res.meta.History
		first = res.ck.Progress.Epoch
		fmt.Fprintf(e.stdout, "Resuming %s at epoch %d/%d, step %d/%d\n", f.resume, first+1, f.epochs, res.ck.Progress.Step, f.steps)
	}
	log.begin(first, f.epochs)
	quiet := announceStop(e, log.dynamic)
	_, fitErr := tr.Fit(e.ctx, data.Train, cfg)
	quiet()
	if fitErr != nil {
		log.stop()
	}
	if r := data.SkippedReport(); r != "" {
		fmt.Fprintln(e.stderr, strings.Replace(r, "Skipped", "Skipped during training:", 1))
	}
	if run.saveErr != nil {
		fmt.Fprintf(e.stderr, "convscope train: warning: an epoch-end checkpoint could not be saved: %s\n", oneLine(run.saveErr.Error()))
	}
	return finishTraining(e, run, log, fitErr)
}

// announceStop says on stderr, as soon as the context is cancelled (Ctrl+C),
// that training stops after the current batch, which may take a while. It
// returns a function that ends the watch and waits for any message to be
// written. newline first ends a progress bar being redrawn on a terminal.
func announceStop(e *env, newline bool) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case <-e.ctx.Done():
		case <-done:
			if e.ctx.Err() == nil {
				return
			}
		}
		if newline {
			fmt.Fprintln(e.stderr)
		}
		fmt.Fprintln(e.stderr, "convscope train: stopping after the current batch…")
	}()
	return func() {
		close(done)
		<-finished
	}
}

// check validates the flag values (usage errors).
func (f *trainFlags) check(fs *flagSet) error {
	switch {
	case f.train == "":
		return fs.bad("--train is required (a folder of class subfolders, or builtin)")
	case f.out == "":
		return fs.bad("--out is required")
	case f.val != "" && fs.given("validation-split"):
		return fs.bad("--val and --validation-split cannot be used together")
	case f.train == builtinData && (f.val != "" || fs.given("validation-split")):
		return fs.bad("--train builtin draws its own validation images; drop --val and --validation-split")
	case fs.given("validation-split") && !(f.valSplit > 0 && f.valSplit < 1):
		return fs.bad("--validation-split must be between 0 and 1, received %v", f.valSplit)
	case f.epochs < 1:
		return fs.bad("--epochs must be at least 1, received %d", f.epochs)
	case f.steps < 1:
		return fs.bad("--steps-per-epoch must be at least 1, received %d", f.steps)
	case f.batch < 1:
		return fs.bad("--batch must be at least 1, received %d", f.batch)
	case f.valSteps < 1:
		return fs.bad("--validation-steps must be at least 1, received %d", f.valSteps)
	case !positiveFinite(f.lr):
		return fs.bad("--lr must be positive and finite, received %v", f.lr)
	}
	if _, err := nn.OptimizerByName(f.optimizer, f.lr); err != nil {
		return fs.bad("--optimizer must be rmsprop, adam or sgd, received %q", f.optimizer)
	}
	return nil
}

// checkOutPath returns an error unless a file can be written at path: its
// folder exists and path is not a folder.
func checkOutPath(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a folder, expected a file name", path)
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("cannot write %s: folder %s does not exist", path, dir)
	}
	if !fi.IsDir() {
		return fmt.Errorf("cannot write %s: %s is not a folder", path, dir)
	}
	return nil
}

// buildNet returns the architecture in the JSON file at path, or the
// reference model when path is empty.
func buildNet(path string) (*nn.Sequential, error) {
	if path == "" {
		return nn.ReferenceModel()
	}
	return buildArch(path)
}

// finishTraining saves what training produced and explains how it ended:
// after a complete run, an interruption (exit status 130) or an error
// (status 1). A model is saved whenever at least one batch was trained.
func finishTraining(e *env, run *trainRun, log *trainLog, fitErr error) error {
	f := run.f
	interrupted := fitErr != nil && (errors.Is(fitErr, context.Canceled) || errors.Is(fitErr, context.DeadlineExceeded))
	if fitErr != nil && log.batches == 0 && f.resume == "" {
		if interrupted {
			return &interruptedError{msg: "interrupted before the first batch; nothing saved"}
		}
		return fitErr
	}
	hist := run.history()
	if err := run.save(fitErr); err != nil {
		if fitErr != nil {
			return fmt.Errorf("%v; and the model could not be saved: %v", fitErr, err)
		}
		return err
	}
	if f.history != "" {
		if err := atomicfile.Write(f.history, hist.WriteCSV); err != nil {
			return fmt.Errorf("writing the history: %w", err)
		}
	}
	where := f.out
	if f.history != "" {
		where += " (history: " + f.history + ")"
	}
	switch {
	case interrupted:
		at := fmt.Sprintf("after epoch %d/%d", log.last.Epoch+1, log.last.Epochs)
		if log.last.Step+1 < log.last.Steps {
			at = fmt.Sprintf("in epoch %d/%d after step %d/%d", log.last.Epoch+1, log.last.Epochs, log.last.Step+1, log.last.Steps)
		}
		if log.batches == 0 {
			at = "before its first batch"
		}
		return &interruptedError{msg: fmt.Sprintf("interrupted %s; saved the model to %s; continue with 'convscope train --resume %s'", at, where, f.out)}
	case fitErr != nil:
		return fmt.Errorf("%v; saved the model to %s", fitErr, where)
	}
	fmt.Fprintf(e.stdout, "Saved the model to %s\n", where)
	return nil
}
