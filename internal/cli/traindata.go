package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/nn"
)

// trainData is the training and (optional) validation data.
type trainData struct {
	train, val nn.BatchSource
	classes    []string
	report     string // what was found, for the user
	close      func()
}

// openTrainData opens --train (a folder, or the built-in generated
// dataset) and the validation data for a model with the given input shape
// and number of outputs.
func openTrainData(f *trainFlags, input []int, outputs int) (*trainData, error) {
	if f.train == builtinData {
		return openBuiltin(f, input, outputs)
	}
	return openFolders(f, input, outputs)
}

// openFolders scans --train (and --val) as Keras' flow_from_directory does,
// sized, coloured and labelled for the model: binary targets for one
// output, one-hot for more. As in Keras, both iterators shuffle (so that
// validation-steps batches are a fair sample of a larger validation set).
func openFolders(f *trainFlags, input []int, outputs int) (*trainData, error) {
	if len(input) != 3 {
		return nil, fmt.Errorf("the model's input %s is not an image (height, width, channels)", shapeString(input))
	}
	opts := dataset.Options{Height: input[0], Width: input[1], ClassMode: dataset.Binary}
	switch input[2] {
	case 1:
		opts.ColorMode = dataset.Grayscale
	case 3:
	default:
		return nil, fmt.Errorf("the model's input %s has %d channels; images give 1 (grayscale) or 3 (RGB)", shapeString(input), input[2])
	}
	if outputs > 1 {
		opts.ClassMode = dataset.Categorical
	}
	train, err := dataset.ScanDir(f.train, opts)
	if err != nil {
		return nil, err
	}
	if outputs > 1 && len(train.Classes) != outputs {
		return nil, fmt.Errorf("%s has %d classes (%s) but the model has %d outputs", f.train, len(train.Classes), strings.Join(train.Classes, ", "), outputs)
	}
	var val *dataset.Folder
	switch {
	case f.val != "":
		o := opts
		o.Classes = train.Classes
		if val, err = dataset.ScanDir(f.val, o); err != nil {
			return nil, err
		}
	case f.valSplit > 0:
		if train, val, err = train.ShuffleSplit(f.valSplit, f.seed); err != nil {
			return nil, err
		}
	}
	d := &trainData{classes: train.Classes, report: train.Report()}
	it := train.Iterator(f.batch, true, f.seed)
	d.train, d.close = it, func() { it.Close() }
	if val != nil {
		vit := val.Iterator(f.batch, true, f.seed+1)
		d.val = vit
		d.close = func() { it.Close(); vit.Close() }
		d.report += "\nValidation: " + val.Report()
	}
	return d, nil
}

// builtinValidationStart is the index of the first generated validation
// image: far beyond any training run's images, so the two never overlap.
const builtinValidationStart = 1 << 40

// openBuiltin opens the built-in generated dataset: a fresh image for
// every training sample, and a fixed validation set of validation-steps
// batches. The model must take square RGB images; one sigmoid output
// trains on circles and crosses, k outputs on k shapes.
func openBuiltin(f *trainFlags, input []int, outputs int) (*trainData, error) {
	if len(input) != 3 || input[0] != input[1] || input[2] != 3 || input[0] < 16 {
		return nil, fmt.Errorf("--train builtin draws square RGB images of at least 16×16 pixels; the model's input is %s", shapeString(input))
	}
	opts := dataset.GenOptions{Classes: dataset.BinaryShapes, Seed: f.seed, Size: input[0], ClassMode: dataset.Binary}
	if outputs > 1 {
		if outputs > len(dataset.AllShapes) {
			return nil, fmt.Errorf("--train builtin has %d classes (%s); the model has %d outputs", len(dataset.AllShapes), strings.Join(dataset.AllShapes, ", "), outputs)
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
	nval := f.valSteps * f.batch
	train := g.Iterator(0, 0, f.batch, false, f.seed)
	val := g.Iterator(builtinValidationStart, nval, f.batch, false, f.seed)
	report := fmt.Sprintf("Built-in generated dataset: %s, %d×%d pixels; a fresh image for every training sample, %d validation images.",
		strings.Join(g.Classes(), ", "), input[0], input[1], nval)
	return &trainData{train: train, val: val, classes: g.Classes(), report: report, close: func() { train.Close(); val.Close() }}, nil
}

// reportSkipped prints the files the data iterators skipped while
// training because they failed to decode.
func reportSkipped(w io.Writer, data *trainData) {
	for _, src := range []nn.BatchSource{data.train, data.val} {
		if it, ok := src.(*dataset.Iterator); ok {
			if r := it.Report(); r != "" {
				fmt.Fprintln(w, strings.Replace(r, "Skipped", "Skipped during training:", 1))
			}
		}
	}
}
