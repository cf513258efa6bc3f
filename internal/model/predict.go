package model

import "sort"

// ClassProb is one class and its predicted probability.
type ClassProb struct {
	Index int
	Name  string
	Prob  float64
}

// Prediction is the model's answer for one image, as the app lists it.
type Prediction struct {
	// Top holds the classes by decreasing probability (at most TopK).
	Top []ClassProb
	// Binary is set for a single sigmoid output, where Top holds both
	// classes: p and 1-p.
	Binary bool
}

// TopK is the number of classes a multi-class prediction lists.
const TopK = 5

// ClassProbabilities interprets one sample's outputs as the probability of
// every class, sorted by decreasing probability (ties keep class order): a
// single sigmoid output p is class 1 with probability p and class 0 with
// 1 − p (so p = 0.5 is class 0, as Keras' p > 0.5 threshold); several
// outputs are the classes' probabilities, normalised if they do not sum to
// 1 (a softmax's do).
func (m *Model) ClassProbabilities(out []float32) []ClassProb {
	var all []ClassProb
	if len(out) == 1 {
		p := float64(out[0])
		all = []ClassProb{{0, m.ClassName(0), 1 - p}, {1, m.ClassName(1), p}}
	} else {
		var sum float64
		for _, v := range out {
			sum += float64(v)
		}
		if !(sum > 0) {
			sum = 1
		}
		all = make([]ClassProb, len(out))
		for i, v := range out {
			all[i] = ClassProb{i, m.ClassName(i), float64(v) / sum}
		}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].Prob > all[b].Prob })
	return all
}

// Predict interprets one sample's output values for display: both classes
// of a binary model, the TopK most likely of a multi-class one.
func (m *Model) Predict(out []float32) Prediction {
	top := m.ClassProbabilities(out)
	if len(top) > TopK {
		top = top[:TopK]
	}
	return Prediction{Top: top, Binary: len(out) == 1}
}

// DefaultLoss returns the loss Keras users pair with an output of k
// values: binary cross-entropy for one sigmoid, categorical otherwise.
func DefaultLoss(outputs int) string {
	if outputs == 1 {
		return "binary_crossentropy"
	}
	return "categorical_crossentropy"
}
