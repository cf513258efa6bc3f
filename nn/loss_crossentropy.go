package nn

import (
	"fmt"
	"math"
)

// BinaryCrossentropy is Keras' binary_crossentropy on probabilities
// (from_logits=False), for a sigmoid output and targets of 0 or 1 with the
// output's shape (n, k):
//
//	p' = clip(p, ε, 1-ε),  ε = 1e-7
//	L  = -mean over all n·k values of  y·log(p') + (1-y)·log(1-p')
//
// (keras.losses.binary_crossentropy: the mean over the last axis, then over
// the batch.) The gradient is
//
//	dL/dp = -(y/p' - (1-y)/(1-p')) / (n·k)
//
// where ε ≤ p ≤ 1-ε, and 0 where p was clipped, as tf.clip_by_value's.
type BinaryCrossentropy struct{}

// Name returns "binary_crossentropy".
func (BinaryCrossentropy) Name() string { return "binary_crossentropy" }

// Loss returns the mean binary cross-entropy of the batch.
func (BinaryCrossentropy) Loss(pred, target *Tensor) float64 {
	checkLossShapes("BinaryCrossentropy", nil, pred, target, pred.SampleSize())
	var s float64
	for i, v := range pred.Data {
		p := clip(float64(v))
		y := float64(target.Data[i])
		s += y*math.Log(p) + (1-y)*math.Log(1-p)
	}
	return -s / float64(len(pred.Data))
}

// Grad writes dLoss/dpred into dpred.
func (BinaryCrossentropy) Grad(dpred, pred, target *Tensor) {
	checkLossShapes("BinaryCrossentropy", dpred, pred, target, pred.SampleSize())
	scale := 1 / float64(len(pred.Data))
	for i, v := range pred.Data {
		p := float64(v)
		if p < clipLo || p > clipHi {
			dpred.Data[i] = 0
			continue
		}
		y := float64(target.Data[i])
		dpred.Data[i] = float32(-(y/p - (1-y)/(1-p)) * scale)
	}
}

// CategoricalCrossentropy is Keras' categorical_crossentropy on
// probabilities (from_logits=False), for a softmax output of shape (n, k)
// and one-hot targets of the same shape. As Keras, each sample's
// predictions are first normalised to sum to 1, then clipped:
//
//	q  = p / Σp,  q' = clip(q, ε, 1-ε),  ε = 1e-7
//	L  = -(1/n) Σ_samples Σ_j y_j·log(q'_j)
//
// The gradient goes through the normalisation: with g_j = -y_j/q'_j (0
// where q_j was clipped),
//
//	dL/dp_i = (g_i - Σ_j g_j·q_j) / (n·Σp)
type CategoricalCrossentropy struct{}

// Name returns "categorical_crossentropy".
func (CategoricalCrossentropy) Name() string { return "categorical_crossentropy" }

// Loss returns the mean categorical cross-entropy of the batch.
func (CategoricalCrossentropy) Loss(pred, target *Tensor) float64 {
	k := pred.SampleSize()
	checkLossShapes("CategoricalCrossentropy", nil, pred, target, k)
	var s float64
	for i := 0; i < pred.Shape[0]; i++ {
		p := pred.Data[i*k : (i+1)*k]
		y := target.Data[i*k : (i+1)*k]
		sum := sum64(p)
		for j, v := range p {
			if y[j] != 0 {
				s += float64(y[j]) * math.Log(clip(float64(v)/sum))
			}
		}
	}
	return -s / float64(pred.Shape[0])
}

// Grad writes dLoss/dpred into dpred.
func (CategoricalCrossentropy) Grad(dpred, pred, target *Tensor) {
	k := pred.SampleSize()
	checkLossShapes("CategoricalCrossentropy", dpred, pred, target, k)
	n := pred.Shape[0]
	for i := 0; i < n; i++ {
		crossentropyGrad(dpred.Data[i*k:(i+1)*k], pred.Data[i*k:(i+1)*k], target.Data[i*k:(i+1)*k], -1, n)
	}
}

// SparseCategoricalCrossentropy is Keras' sparse_categorical_crossentropy
// on probabilities: CategoricalCrossentropy with the one-hot target given
// as its class index. Targets have shape (n, 1) and hold the index in
// [0, k) as a float (a BatchSource's "sparse" labels).
type SparseCategoricalCrossentropy struct{}

// Name returns "sparse_categorical_crossentropy".
func (SparseCategoricalCrossentropy) Name() string { return "sparse_categorical_crossentropy" }

// TargetSize returns 1: one class index per sample.
func (SparseCategoricalCrossentropy) TargetSize(int) int { return 1 }

// Loss returns the mean cross-entropy of the batch. It panics if a label is
// not an integer in [0, k).
func (SparseCategoricalCrossentropy) Loss(pred, target *Tensor) float64 {
	k := pred.SampleSize()
	checkLossShapes("SparseCategoricalCrossentropy", nil, pred, target, 1)
	var s float64
	for i := 0; i < pred.Shape[0]; i++ {
		p := pred.Data[i*k : (i+1)*k]
		c := sparseLabel(target.Data[i], k)
		s += math.Log(clip(float64(p[c]) / sum64(p)))
	}
	return -s / float64(pred.Shape[0])
}

// Grad writes dLoss/dpred into dpred.
func (SparseCategoricalCrossentropy) Grad(dpred, pred, target *Tensor) {
	k := pred.SampleSize()
	checkLossShapes("SparseCategoricalCrossentropy", dpred, pred, target, 1)
	n := pred.Shape[0]
	for i := 0; i < n; i++ {
		c := sparseLabel(target.Data[i], k)
		crossentropyGrad(dpred.Data[i*k:(i+1)*k], pred.Data[i*k:(i+1)*k], nil, c, n)
	}
}

// crossentropyGrad writes one sample's gradient of the normalised, clipped
// cross-entropy into d. The target is the one-hot y, or class c when y is nil.
func crossentropyGrad(d, p, y []float32, c, n int) {
	sum := sum64(p)
	// g_j = dL/dq_j = -t_j/q_j, zero where q_j is clipped or t_j is 0.
	g := func(j int) float64 {
		t := 0.0
		if y != nil {
			t = float64(y[j])
		} else if j == c {
			t = 1
		}
		q := float64(p[j]) / sum
		if t == 0 || q < clipLo || q > clipHi {
			return 0
		}
		return -t / q
	}
	var dot float64 // Σ_j g_j·q_j
	for j := range p {
		dot += g(j) * float64(p[j]) / sum
	}
	scale := 1 / (float64(n) * sum)
	for j := range d {
		d[j] = float32((g(j) - dot) * scale)
	}
}

// sparseLabel converts a float class index to an int, panicking if it is
// not an integer in [0, k).
func sparseLabel(v float32, k int) int {
	c := int(v)
	if float32(c) != v || c < 0 || c >= k {
		panic(fmt.Sprintf("nn: SparseCategoricalCrossentropy: expected a class index in [0, %d), received %v", k, v))
	}
	return c
}

func clip(p float64) float64 {
	// Written so that NaN passes through (and the loss becomes NaN).
	if p < clipLo {
		return clipLo
	}
	if p > clipHi {
		return clipHi
	}
	return p
}

func sum64(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return s
}
