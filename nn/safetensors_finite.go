package nn

import (
	"errors"
	"fmt"
)

// ErrNotFinite is wrapped by the error loading returns for a tensor that
// holds NaN or ±Inf; test for it with errors.Is.
var ErrNotFinite = errors.New("weights are not finite")

// notFiniteError names the tensor and the first non-finite value in it.
type notFiniteError struct {
	tensor string
	shape  []int
	index  int     // flat index of the first bad value
	value  float32 // NaN or ±Inf
	count  int     // non-finite values in the tensor
}

func (e *notFiniteError) Error() string {
	return fmt.Sprintf("nn: %s holds %d non-finite value(s), first %v at %v of shape %s: refusing the model (a damaged file, or saved after training diverged)",
		e.tensor, e.count, e.value, unravel(e.index, e.shape), shapeString(e.shape))
}

func (e *notFiniteError) Unwrap() error { return ErrNotFinite }

// checkFinite returns a *notFiniteError for the first NaN or ±Inf in v, the
// values of the tensor called name, or nil. A model with such a weight
// predicts NaN for every input; it is refused on load rather than shown.
func checkFinite(name string, shape []int, v []float32) error {
	first, count := -1, 0
	for i, x := range v {
		if x-x != 0 { // NaN - NaN and Inf - Inf are NaN; finite x - x is 0
			if first < 0 {
				first = i
			}
			count++
		}
	}
	if first < 0 {
		return nil
	}
	return &notFiniteError{tensor: name, shape: shape, index: first, value: v[first], count: count}
}

// unravel turns a row-major flat index into a multi-index, e.g. [0 1 2 3].
func unravel(i int, shape []int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		if shape[d] > 0 {
			idx[d] = i % shape[d]
			i /= shape[d]
		}
	}
	return idx
}
