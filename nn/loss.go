package nn

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Loss is a training objective, reduced as Keras' default
// "sum_over_batch_size": the mean over the batch of the per-sample losses.
//
// pred has shape (n, k...) — the model's output — and target holds the
// labels as a BatchSource writes them (see each loss for the layout).
// Mismatched shapes are programmer errors and panic.
type Loss interface {
	// Name is the Keras identifier, e.g. "binary_crossentropy".
	Name() string
	// Loss returns the batch loss.
	Loss(pred, target *Tensor) float64
	// Grad writes dLoss/dpred into dpred, which has pred's shape.
	Grad(dpred, pred, target *Tensor)
}

// TargetSizer is implemented by losses whose targets do not have one value
// per model output. SparseCategoricalCrossentropy, for example, takes one
// class index per sample whatever the number of classes.
type TargetSizer interface {
	// TargetSize returns the number of target values per sample for a
	// model with outputSize values per sample.
	TargetSize(outputSize int) int
}

// targetSize returns the per-sample width of the targets loss expects.
func targetSize(loss Loss, outputSize int) int {
	if ts, ok := loss.(TargetSizer); ok {
		return ts.TargetSize(outputSize)
	}
	return outputSize
}

var losses = map[string]func() Loss{
	"binary_crossentropy":             func() Loss { return BinaryCrossentropy{} },
	"categorical_crossentropy":        func() Loss { return CategoricalCrossentropy{} },
	"sparse_categorical_crossentropy": func() Loss { return SparseCategoricalCrossentropy{} },
}

// LossByName returns the loss with the given Keras identifier
// ("binary_crossentropy", "categorical_crossentropy",
// "sparse_categorical_crossentropy"; case-insensitive).
func LossByName(name string) (Loss, error) {
	if f, ok := losses[strings.ToLower(name)]; ok {
		return f(), nil
	}
	names := make([]string, 0, len(losses))
	for n := range losses {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("nn: unknown loss %q: expected one of %s", name, strings.Join(names, ", "))
}

// Keras clips probabilities to [epsilon, 1-epsilon] with epsilon = 1e-7,
// computed in float32; these are the float32 bounds widened to float64, so
// that the largest loss of one sample is Keras' -log(1.1920929e-7) ≈ 15.942385
// and not -log(1e-7).
var (
	clipLo = float64(float32(1e-7))
	clipHi = float64(float32(1 - 1e-7))
)

// checkLossShapes panics unless pred and dpred (when non-nil) have the same
// shape and target has pred's batch size with want values per sample.
func checkLossShapes(name string, dpred, pred, target *Tensor, want int) {
	n := pred.Shape[0]
	if len(target.Shape) == 0 || target.Shape[0] != n || len(target.Data) != n*want {
		panic(fmt.Sprintf("nn: %s: expected target shape (%d, %d), received %s", name, n, want, shapeString(target.Shape)))
	}
	if dpred != nil && !slices.Equal(dpred.Shape, pred.Shape) {
		panic(fmt.Sprintf("nn: %s: expected gradient shape %s, received %s", name, shapeString(pred.Shape), shapeString(dpred.Shape)))
	}
}
