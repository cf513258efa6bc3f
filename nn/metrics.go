package nn

import "fmt"

// Metric scores predictions against targets. Fit reports the running mean
// of the per-sample scores over an epoch, as Keras' Mean-reduced metrics.
type Metric interface {
	// Name is the key in History and the logs, e.g. "accuracy".
	Name() string
	// Sum returns the sum over the batch of the per-sample scores.
	Sum(pred, target *Tensor) float64
}

// AccuracyFor returns the accuracy Keras picks for metrics=["accuracy"]
// with the given loss: BinaryAccuracy for binary_crossentropy,
// SparseCategoricalAccuracy for sparse_categorical_crossentropy and
// CategoricalAccuracy otherwise.
func AccuracyFor(loss Loss) Metric {
	switch loss.(type) {
	case BinaryCrossentropy, *BinaryCrossentropy:
		return BinaryAccuracy{}
	case SparseCategoricalCrossentropy, *SparseCategoricalCrossentropy:
		return SparseCategoricalAccuracy{}
	}
	return CategoricalAccuracy{}
}

// BinaryAccuracy is Keras' binary_accuracy: a prediction counts as class 1
// when it is above Threshold, and a sample's score is the fraction of its k
// outputs that equal the target:
//
//	score = mean_j [ (p_j > threshold) == y_j ]
type BinaryAccuracy struct {
	// Threshold is the decision threshold; 0 means Keras' default 0.5.
	Threshold float64
}

// Name returns "accuracy".
func (BinaryAccuracy) Name() string { return "accuracy" }

// Sum returns the number of correct predictions in the batch (fractional
// for multi-output samples).
func (a BinaryAccuracy) Sum(pred, target *Tensor) float64 {
	k := pred.SampleSize()
	checkMetricShapes("BinaryAccuracy", pred, target, k)
	th := a.Threshold
	if th == 0 {
		th = 0.5
	}
	hits := 0
	for i, p := range pred.Data {
		var c float32
		if float64(p) > th {
			c = 1
		}
		if c == target.Data[i] {
			hits++
		}
	}
	return float64(hits) / float64(k)
}

// CategoricalAccuracy is Keras' categorical_accuracy: a sample is correct
// when argmax(pred) == argmax(target) (the first maximum on ties).
type CategoricalAccuracy struct{}

// Name returns "accuracy".
func (CategoricalAccuracy) Name() string { return "accuracy" }

// Sum returns the number of correct predictions in the batch.
func (CategoricalAccuracy) Sum(pred, target *Tensor) float64 {
	k := pred.SampleSize()
	checkMetricShapes("CategoricalAccuracy", pred, target, k)
	hits := 0
	for i := 0; i < pred.Shape[0]; i++ {
		if firstArgmax(pred.Data[i*k:(i+1)*k]) == firstArgmax(target.Data[i*k:(i+1)*k]) {
			hits++
		}
	}
	return float64(hits)
}

// SparseCategoricalAccuracy is Keras' sparse_categorical_accuracy: a sample
// is correct when argmax(pred) equals its class index target[i, 0].
type SparseCategoricalAccuracy struct{}

// Name returns "accuracy".
func (SparseCategoricalAccuracy) Name() string { return "accuracy" }

// TargetSize returns 1: one class index per sample.
func (SparseCategoricalAccuracy) TargetSize(int) int { return 1 }

// Sum returns the number of correct predictions in the batch.
func (SparseCategoricalAccuracy) Sum(pred, target *Tensor) float64 {
	k := pred.SampleSize()
	checkMetricShapes("SparseCategoricalAccuracy", pred, target, 1)
	hits := 0
	for i := 0; i < pred.Shape[0]; i++ {
		if float32(firstArgmax(pred.Data[i*k:(i+1)*k])) == target.Data[i] {
			hits++
		}
	}
	return float64(hits)
}

// firstArgmax returns the index of the first largest value.
func firstArgmax(x []float32) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

func checkMetricShapes(name string, pred, target *Tensor, want int) {
	n := pred.Shape[0]
	if len(target.Shape) == 0 || target.Shape[0] != n || len(target.Data) != n*want {
		panic(fmt.Sprintf("nn: %s: expected target shape (%d, %d), received %s", name, n, want, shapeString(target.Shape)))
	}
}
