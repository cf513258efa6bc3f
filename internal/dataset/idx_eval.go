package dataset

import (
	"fmt"
	"slices"

	"github.com/convscope/convscope/nn"
)

// Classifier is what IDX.Classify needs of a model: nn.Sequential.
type Classifier interface {
	InputShape() []int
	Predict(x *nn.Tensor) *nn.Tensor
}

// classifyBatch is the number of images per forward pass in Classify.
const classifyBatch = 250

// Classify runs every image through net (pixel values × rescale, batches of
// 250) and returns, for each image, the predicted label: the index in
// labelNames of the model's most probable class, matched by name (a model
// class may also be labelNames[i]'s folder name, as WriteTree writes it:
// "T-shirt_top" for "T-shirt/top"), or -1 for a class with no label. The
// model's input must be (Rows, Cols, 1) and its output one probability (or
// score) per class in modelClasses.
func (d *IDX) Classify(net Classifier, rescale float32, modelClasses, labelNames []string) ([]int, error) {
	in := net.InputShape()
	if !slices.Equal(in, []int{d.Rows, d.Cols, 1}) {
		return nil, fmt.Errorf("dataset: the model's input is %v, expected [%d %d 1] for %d×%d grayscale images", in, d.Rows, d.Cols, d.Cols, d.Rows)
	}
	toLabel := make([]int, len(modelClasses))
	for i, c := range modelClasses {
		toLabel[i] = -1
		for j, l := range labelNames {
			if folder, _ := ClassFolderName(l); c == l || c == folder {
				toLabel[i] = j
			}
		}
	}
	size := d.Rows * d.Cols
	pred := make([]int, d.N)
	x := nn.NewTensor(min(classifyBatch, d.N), d.Rows, d.Cols, 1)
	for start := 0; start < d.N; start += classifyBatch {
		n := min(classifyBatch, d.N-start)
		if n != x.Shape[0] {
			x = nn.NewTensor(n, d.Rows, d.Cols, 1)
		}
		for k, p := range d.Pixels[start*size : (start+n)*size] {
			x.Data[k] = float32(p) * rescale
		}
		y := net.Predict(x)
		if y.SampleSize() != len(modelClasses) {
			return nil, fmt.Errorf("dataset: the model has %d outputs, expected one per class (%d)", y.SampleSize(), len(modelClasses))
		}
		for i := range n {
			out := y.Sample(i)
			best := 0
			for k, v := range out {
				if v > out[best] {
					best = k
				}
			}
			pred[start+i] = toLabel[best]
		}
	}
	return pred, nil
}

// Accuracy returns the fraction of predictions equal to the labels.
func (d *IDX) Accuracy(pred []int) float64 {
	if d.N == 0 {
		return 0
	}
	right := 0
	for i, l := range d.Labels {
		if pred[i] == int(l) {
			right++
		}
	}
	return float64(right) / float64(d.N)
}
