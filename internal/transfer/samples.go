package transfer

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/nn"
)

// Samples is a labelled data set with random access, in a fixed order:
// what feature caching needs (sample i's features are computed once).
type Samples interface {
	// Len is the number of samples.
	Len() int
	// Shape is the per-sample input shape (height, width, channels).
	Shape() []int
	// Load writes sample i's preprocessed input into x (len = the shape's
	// size) and returns its class index.
	Load(i int, x []float32) (class int, err error)
}

// TensorSamples are samples held in memory: X holds Len() inputs of the
// per-sample shape S, one after another; Labels their classes.
type TensorSamples struct {
	X      []float32
	S      []int
	Labels []int
}

// Len implements Samples.
func (t *TensorSamples) Len() int { return len(t.Labels) }

// Shape implements Samples.
func (t *TensorSamples) Shape() []int { return t.S }

// Load implements Samples.
func (t *TensorSamples) Load(i int, x []float32) (int, error) {
	n := len(x)
	copy(x, t.X[i*n:(i+1)*n])
	return t.Labels[i], nil
}

// FolderSamples reads a dataset.Folder's images (flow_from_directory's
// folder of class subfolders), preprocessed with the base's options and
// normalisation.
type FolderSamples struct {
	Folder *dataset.Folder
	Prep   dataset.Options
	// Meta's Mean/Std, if set, normalise the rescaled pixels.
	Meta nn.Metadata
	dir  string
	s    []int
	buf  []float32
}

// NewFolderSamples scans dir (class subfolders) for a base of the given
// input shape and preprocessing. classes, if set, fixes the classes.
func NewFolderSamples(dir string, input []int, prep dataset.Options, meta nn.Metadata, classes []string) (*FolderSamples, error) {
	if len(input) != 3 {
		return nil, fmt.Errorf("transfer: the base's input %v is not an image (height, width, channels)", input)
	}
	prep.Height, prep.Width = input[0], input[1]
	prep.Classes = classes
	switch input[2] {
	case 1:
		prep.ColorMode = dataset.Grayscale
	case 3:
		prep.ColorMode = dataset.RGB
	default:
		return nil, fmt.Errorf("transfer: the base's input has %d channels; images give 1 or 3", input[2])
	}
	f, err := dataset.ScanDir(dir, prep)
	if err != nil {
		return nil, err
	}
	return &FolderSamples{Folder: f, Prep: prep, Meta: meta, dir: dir, s: slices.Clone(input)}, nil
}

// Len implements Samples.
func (f *FolderSamples) Len() int { return len(f.Folder.Files) }

// Shape implements Samples.
func (f *FolderSamples) Shape() []int { return f.s }

// Load implements Samples.
func (f *FolderSamples) Load(i int, x []float32) (int, error) {
	file := f.Folder.Files[i]
	img, err := dataset.LoadImageFile(filepath.Join(f.dir, filepath.FromSlash(file.Path)), 0)
	if err != nil {
		return 0, err
	}
	f.buf, err = dataset.Preprocess(f.buf[:0], img, f.Prep)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", file.Path, err)
	}
	copy(x, f.buf)
	if c := f.s[2]; len(f.Meta.Mean) > 0 {
		for j := range x {
			x[j] = f.Meta.Normalize(x[j], j%c)
		}
	}
	return file.Class, nil
}
