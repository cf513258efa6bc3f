package model

import (
	"errors"
	"fmt"
	"strings"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/nn"
)

// DataSpec says where training data comes from.
type DataSpec struct {
	// Generated selects the built-in generated shapes (circle, square).
	Generated bool
	// TrainDir is a folder of class subfolders (flow_from_directory).
	TrainDir string
	// ValDir is an optional validation folder with the same classes.
	ValDir string
	// ValSplit, used without ValDir, holds out this fraction of each
	// class of TrainDir for validation (0: no validation).
	ValSplit float64
	Seed     int64
}

// Data is an opened data source.
type Data struct {
	Train, Validation nn.BatchSource
	Classes           []string
	// Report describes what was found and any bad files.
	Report  string
	closers []func() error
	iters   []*dataset.Iterator
}

// SkippedReport lists the files the iterators skipped while reading
// (corrupt data found only when decoding); empty if none.
func (d *Data) SkippedReport() string {
	var parts []string
	for _, it := range d.iters {
		if r := it.Report(); r != "" {
			parts = append(parts, r)
		}
	}
	return strings.Join(parts, "\n")
}

// Close stops the sources' background readers.
func (d *Data) Close() {
	for _, c := range d.closers {
		c()
	}
	d.closers = nil
}

// OpenData opens the data for a model with the given per-sample input
// shape and output size, in batches of batch.
func OpenData(spec DataSpec, input []int, outputs, batch, valSteps int) (*Data, error) {
	if spec.Generated {
		return openGenerated(spec, input, outputs, batch, valSteps)
	}
	if spec.TrainDir == "" {
		return nil, errNoTrainDir
	}
	if len(input) != 3 {
		return nil, fmt.Errorf("the model's input %v is not an image (height, width, channels)", input)
	}
	opts := dataset.Options{Height: input[0], Width: input[1], ClassMode: dataset.Categorical}
	switch input[2] {
	case 1:
		opts.ColorMode = dataset.Grayscale
	case 3:
	default:
		return nil, fmt.Errorf("the model's input %v has %d channels; images give 1 (grayscale) or 3 (RGB)", input, input[2])
	}
	if outputs == 1 {
		opts.ClassMode = dataset.Binary
	}
	train, err := dataset.ScanDir(spec.TrainDir, opts)
	if err != nil {
		return nil, err
	}
	if outputs > 1 && len(train.Classes) != outputs {
		return nil, fmt.Errorf("%s has %d classes (%s) but the model has %d outputs", spec.TrainDir, len(train.Classes), strings.Join(train.Classes, ", "), outputs)
	}
	var val *dataset.Folder
	switch {
	case spec.ValDir != "":
		o := opts
		o.Classes = train.Classes
		if val, err = dataset.ScanDir(spec.ValDir, o); err != nil {
			return nil, err
		}
	case spec.ValSplit > 0:
		if train, val, err = train.ShuffleSplit(spec.ValSplit, spec.Seed); err != nil {
			return nil, err
		}
	}
	d := &Data{Classes: train.Classes, Report: train.Report()}
	it := train.Iterator(batch, true, spec.Seed)
	d.Train = it
	d.closers = append(d.closers, it.Close)
	d.iters = append(d.iters, it)
	if val != nil {
		// Shuffled, as Keras' flow_from_directory (shuffle=True) does for the
		// validation generator too: validation_steps batches may cover only part
		// of the folder, and sorted files would then be one class only.
		vit := val.Iterator(batch, true, spec.Seed+1)
		d.Validation = vit
		d.closers = append(d.closers, vit.Close)
		d.iters = append(d.iters, vit)
		d.Report += "\nValidation: " + val.Report()
	}
	return d, nil
}

// ValidationStart is the index of the first generated validation image:
// far beyond any training run's images, so the two never overlap (the
// command line uses the same split).
const ValidationStart = 1 << 40

// MaxGeneratedValidation bounds the generated dataset's validation images
// (validation steps × batch size): 2²⁰, an hour of validation after every
// epoch already; the iterator keeps a flag per image, so --validation-steps
// 1000000000 made the runtime abort for lack of memory.
const MaxGeneratedValidation = 1 << 20

// openGenerated opens the built-in generated dataset as the command line's
// "--train builtin" does: a fresh image for every training sample and a
// fixed validation set of valSteps batches. One sigmoid output trains on
// circles and crosses; k outputs on k shapes.
func openGenerated(spec DataSpec, input []int, outputs, batch, valSteps int) (*Data, error) {
	if len(input) != 3 || input[0] != input[1] || input[2] != 3 || input[0] < 16 {
		return nil, fmt.Errorf("the generated dataset draws square RGB images of at least 16×16 pixels; the model's input is %v", input)
	}
	opts := dataset.GenOptions{Classes: dataset.BinaryShapes, Seed: spec.Seed, Size: input[0], ClassMode: dataset.Binary}
	if outputs > 1 {
		if outputs > len(dataset.AllShapes) {
			return nil, fmt.Errorf("the generated dataset has %d classes (%s); the model has %d outputs", len(dataset.AllShapes), strings.Join(dataset.AllShapes, ", "), outputs)
		}
		opts.ClassMode = dataset.Categorical
		if outputs > 2 {
			opts.Classes = dataset.AllShapes[:outputs]
		}
	}
	g, err := dataset.NewGenerated(opts)
	if err != nil {
		return nil, err
	}
	if max(1, valSteps) > MaxGeneratedValidation/batch {
		return nil, fmt.Errorf("validation steps × batch size: expected at most %d generated validation images, received %d × %d", MaxGeneratedValidation, valSteps, batch)
	}
	nval := max(1, valSteps) * batch
	train := g.Iterator(0, 0, batch, false, spec.Seed)
	val := g.Iterator(ValidationStart, nval, batch, false, spec.Seed)
	d := &Data{Train: train, Validation: val, Classes: g.Classes(),
		Report: fmt.Sprintf("Built-in generated dataset: %s, %d×%d pixels; a fresh image for every training sample, %d validation images.",
			strings.Join(g.Classes(), ", "), input[0], input[1], nval)}
	d.closers = []func() error{train.Close, val.Close}
	d.iters = []*dataset.Iterator{train, val}
	return d, nil
}

// errNoTrainDir is the error for a folder source without a folder.
var errNoTrainDir = errors.New("choose a training folder (one subfolder per class) or the generated dataset")

// CheckListing makes the checks of OpenData that need only folder listings
// (dataset.CheckListing): the training folder, and the validation folder
// with the same classes, can be read, have at least two class subfolders
// and image files in each. The generated dataset passes. Quick: the app
// runs it before asking anything about the run.
func CheckListing(spec DataSpec) error {
	if spec.Generated {
		return nil
	}
	if spec.TrainDir == "" {
		return errNoTrainDir
	}
	classes, err := dataset.CheckListing(spec.TrainDir, dataset.Options{})
	if err != nil || spec.ValDir == "" {
		return err
	}
	_, err = dataset.CheckListing(spec.ValDir, dataset.Options{Classes: classes})
	return err
}
