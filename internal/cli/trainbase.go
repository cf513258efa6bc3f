package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/convscope/convscope/internal/atomicfile"
	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/onnx"
	"github.com/convscope/convscope/internal/transfer"
	"github.com/convscope/convscope/nn"
)

const trainBaseHelp = `Transfer learning (the Keras book's "using a pretrained convnet"): the
model MODEL (a .safetensors, .onnx, .h5 or .keras file, or "builtin" /
"builtin:NAME") is cut after a layer (default: the last one with a spatial
output), frozen, and given a new head for the classes of --train: global
average pooling or Flatten, an optional Dense + Dropout, and one sigmoid
unit for two classes or a softmax for more. The head trains on the base's
features, computed once and cached unless --augment is on. With
--fine-tune-layers N the top N layers of the base (BatchNormalization
excepted) are then trained with the head at --fine-tune-lr. The saved model
holds the whole network, the new class names, the base's preprocessing and
where it came from.
`

// wantsBase reports whether the train command's arguments ask for
// transfer learning (--base).
func wantsBase(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "--base" || a == "-base" || strings.HasPrefix(a, "--base=") || strings.HasPrefix(a, "-base=") {
			return true
		}
	}
	return false
}

type trainBaseFlags struct {
	base, cut, head, train, val, out, history, optimizer, preprocess string
	dense, epochs, batch, ftLayers, ftEpochs, cacheMB                int
	dropout, lr, ftLR                                                float64
	augment, noCache                                                 bool
	seed                                                             int64
}

// runTrainBase is "convscope train --base MODEL …".
func runTrainBase(e *env, args []string) error {
	d := nn.TutorialRecipe()
	var f trainBaseFlags
	fs := newFlagSet("train",
		"convscope train --base MODEL|builtin[:NAME] --train DIR [--val DIR] [--cut-after LAYER] [--head gap|flatten] [--dense N] [--dropout R] [--augment] [--fine-tune-layers N --fine-tune-lr LR] --out MODEL.safetensors",
		trainBaseHelp)
	fs.StringVar(&f.base, "base", "", "the base `MODEL`: a model file or builtin[:NAME]")
	fs.StringVar(&f.cut, "cut-after", "", "cut the base after `LAYER` (default: the last layer with a spatial output)")
	fs.StringVar(&f.head, "head", transfer.HeadGAP, "head pooling `KIND`: gap (global average) or flatten")
	fs.IntVar(&f.dense, "dense", 0, "add a Dense layer of `N` units (relu) to the head")
	fs.Float64Var(&f.dropout, "dropout", 0, "dropout `RATE` after the head's Dense layer")
	fs.BoolVar(&f.augment, "augment", false, "augment training images as the Keras book does (rotation 40, shifts 0.2, shear 0.2, zoom 0.2, horizontal flip); no feature cache")
	fs.BoolVar(&f.noCache, "no-cache", false, "run the base on every batch even without augmentation")
	fs.IntVar(&f.cacheMB, "cache-mb", transfer.DefaultCacheBytes>>20, "keep at most `MB` of cached features in memory; the rest goes to a temporary file")
	fs.StringVar(&f.train, "train", "", "training images: a `DIR` of class subfolders")
	fs.StringVar(&f.val, "val", "", "validation images: a `DIR` with the same class subfolders")
	fs.IntVar(&f.epochs, "epochs", 10, "train the head for `N` epochs (one pass over --train each)")
	fs.IntVar(&f.batch, "batch", d.BatchSize, "`N` images per batch")
	fs.StringVar(&f.optimizer, "optimizer", d.Optimizer, "optimizer `NAME`: rmsprop, adam or sgd")
	fs.Float64Var(&f.lr, "lr", d.LearningRate, "the head's learning rate `LR`")
	fs.IntVar(&f.ftLayers, "fine-tune-layers", 0, "then fine-tune the top `N` layers of the base")
	fs.Float64Var(&f.ftLR, "fine-tune-lr", d.LearningRate/10, "fine-tuning learning rate `LR`")
	fs.IntVar(&f.ftEpochs, "fine-tune-epochs", 0, "fine-tune for `N` epochs (default: --epochs)")
	fs.StringVar(&f.preprocess, "preprocess", "", "an ONNX base's preprocessing `PRESET` (tutorial, imagenet, raw)")
	fs.Int64Var(&f.seed, "seed", 0, "random seed `N` for the head's weights, the order and the augmentation")
	fs.StringVar(&f.out, "out", "", "save the model to `FILE` (.safetensors)")
	fs.StringVar(&f.history, "history", "", "also write the per-epoch metrics to `FILE` as CSV")
	if err := fs.parseNoArgs(e.stdout, args); err != nil {
		return err
	}
	switch {
	case f.base == "":
		return fs.bad("--base needs a model file or builtin[:NAME]")
	case f.train == "":
		return fs.bad("--train is required (a folder of class subfolders)")
	case f.out == "":
		return fs.bad("--out is required")
	case f.epochs < 1 || f.batch < 1 || f.dense < 0 || f.ftLayers < 0 || f.ftEpochs < 0 || f.cacheMB < 0:
		return fs.bad("--epochs and --batch must be at least 1, --dense, --fine-tune-layers, --fine-tune-epochs and --cache-mb at least 0")
	case !(f.dropout >= 0 && f.dropout < 1):
		return fs.bad("--dropout must be in [0, 1), received %v", f.dropout)
	case f.head != transfer.HeadGAP && f.head != transfer.HeadFlatten:
		return fs.bad("--head must be gap or flatten, received %q", f.head)
	case !positiveFinite(f.lr) || !positiveFinite(f.ftLR):
		return fs.bad("--lr and --fine-tune-lr must be positive and finite, received %v and %v", f.lr, f.ftLR)
	}
	if _, err := nn.OptimizerByName(f.optimizer, f.lr); err != nil {
		return fs.bad("--optimizer must be rmsprop, adam or sgd, received %q", f.optimizer)
	}
	if err := checkOutPath(f.out); err != nil {
		return err
	}

	base, meta, err := transfer.OpenBase(f.base, onnx.Options{Preprocess: f.preprocess})
	if err != nil {
		return err
	}
	prep := dataset.Options{Interpolation: dataset.Interpolation(meta.Interpolation), Rescale: float32(meta.Rescale)}
	train, err := transfer.NewFolderSamples(f.train, base.InputShape(), prep, meta, nil)
	if err != nil {
		return err
	}
	classes := train.Folder.Classes
	var val transfer.Samples
	if f.val != "" {
		v, err := transfer.NewFolderSamples(f.val, base.InputShape(), prep, meta, classes)
		if err != nil {
			return err
		}
		val = v
	}
	m, err := transfer.New(base, transfer.Options{CutAfter: f.cut, Head: f.head, Dense: f.dense, Dropout: f.dropout, Classes: len(classes), Seed: f.seed})
	if err != nil {
		return err
	}
	if f.ftLayers > len(m.BaseNodes) {
		return fmt.Errorf("--fine-tune-layers: expected at most the %d layers the base keeps, received %d", len(m.BaseNodes), f.ftLayers)
	}
	fmt.Fprintf(e.stdout, "Base %s cut after %s %v: %d layers kept, frozen; head %s: %d trainable values; classes %s (%d training images)\n",
		f.base, m.CutAfter, m.Base.OutputShape(), len(m.BaseNodes), headText(f), m.Head.CountParams(), strings.Join(classes, ", "), train.Len())
	cfg := transfer.Config{Optimizer: f.optimizer, LearningRate: f.lr, Epochs: f.epochs, BatchSize: f.batch, Seed: f.seed,
		NoCache: f.noCache, CacheBytes: int64(max(f.cacheMB, 1)) << 20, Validation: val}
	if f.augment {
		a := transfer.TutorialAugment()
		cfg.Augment = &a
	} else if !f.noCache {
		fmt.Fprintf(e.stdout, "Computing the base's features once (%d images)…\n", train.Len()+lenOf(val))
	}
	steps := (train.Len() + min(f.batch, train.Len()) - 1) / min(f.batch, train.Len())
	log := newTrainLog(e.stdout, isTerminal(e.stdout), steps)
	cfg.OnBatch, cfg.OnEpoch = log.batch, log.epoch
	cfg.OnFeatures = func(st transfer.Stats) {
		fmt.Fprintf(e.stdout, "Features computed in %.1fs", st.Extraction.Seconds())
		if st.Spilled > 0 {
			fmt.Fprintf(e.stdout, " (%d vectors kept in a temporary file)", st.Spilled)
		}
		fmt.Fprintln(e.stdout)
	}
	quiet := announceStop(e, log.dynamic)
	hist, _, fitErr := m.FitHead(e.ctx, train, cfg)
	quiet()
	if fitErr != nil {
		log.stop()
	}
	origin := m.Origin(f.base)
	if fitErr == nil && f.ftLayers > 0 {
		cfg.LearningRate, cfg.InitialEpoch = f.ftLR, f.epochs
		cfg.Epochs = f.epochs + f.ftEpochs
		if f.ftEpochs == 0 {
			cfg.Epochs = 2 * f.epochs
		}
		fmt.Fprintf(e.stdout, "Fine-tuning the top %d layers of the base at learning rate %g\n", f.ftLayers, f.ftLR)
		log = newTrainLog(e.stdout, isTerminal(e.stdout), steps)
		cfg.OnBatch, cfg.OnEpoch = log.batch, log.epoch
		quiet := announceStop(e, log.dynamic)
		var h2 *nn.History
		h2, fitErr = m.FineTune(e.ctx, train, f.ftLayers, cfg)
		quiet()
		if fitErr != nil {
			log.stop()
		}
		if err := hist.Extend(h2); err != nil && fitErr == nil {
			fitErr = err
		}
		origin.FineTunedLayers = f.ftLayers
	}
	if fitErr != nil && hist.Len() == 0 {
		if errors.Is(fitErr, context.Canceled) {
			return &interruptedError{msg: "interrupted before the first epoch ended; nothing saved"}
		}
		return fitErr
	}
	out, err := transfer.Metadata(meta, classes, hist, origin, transfer.TrainingData{Name: f.train, Images: train.Len(), ValidationName: f.val, ValidationImages: lenOf(val)})
	if err != nil {
		return err
	}
	if err := m.Save(f.out, out); err != nil {
		return err
	}
	if f.history != "" {
		if err := atomicfile.Write(f.history, hist.WriteCSV); err != nil {
			return fmt.Errorf("writing the history: %w", err)
		}
	}
	if fitErr != nil {
		if errors.Is(fitErr, context.Canceled) {
			return &interruptedError{msg: fmt.Sprintf("interrupted; saved the model trained so far (%d epochs) to %s", hist.Len(), f.out)}
		}
		return fmt.Errorf("%v; saved the model to %s", fitErr, f.out)
	}
	fmt.Fprintf(e.stdout, "Saved the model to %s\n", f.out)
	return nil
}

func headText(f trainBaseFlags) string {
	s := f.head
	if f.dense > 0 {
		s += fmt.Sprintf(" + Dense %d", f.dense)
		if f.dropout > 0 {
			s += fmt.Sprintf(" + Dropout %g", f.dropout)
		}
	}
	return s + " + output"
}

func lenOf(s transfer.Samples) int {
	if s == nil {
		return 0
	}
	return s.Len()
}
