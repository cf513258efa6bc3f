package nn

import "testing"

func TestAccuracy(t *testing.T) {
	tests := []struct {
		name         string
		metric       Metric
		pred, target *Tensor
		want         float64
	}{
		{"binary", BinaryAccuracy{}, tensorOf([]int{4, 1}, 0.9, 0.2, 0.6, 0.4), tensorOf([]int{4, 1}, 1, 0, 0, 1), 2},
		{"binary 0.5 is class 0", BinaryAccuracy{}, tensorOf([]int{2, 1}, 0.5, 0.5000001), tensorOf([]int{2, 1}, 0, 1), 2},
		{"binary threshold", BinaryAccuracy{Threshold: 0.8}, tensorOf([]int{2, 1}, 0.7, 0.9), tensorOf([]int{2, 1}, 0, 1), 2},
		{"binary multi-output", BinaryAccuracy{}, tensorOf([]int{1, 4}, 0.9, 0.9, 0.1, 0.1), tensorOf([]int{1, 4}, 1, 0, 0, 0), 0.75},
		{"categorical", CategoricalAccuracy{}, tensorOf([]int{3, 3}, 0.1, 0.7, 0.2, 0.5, 0.3, 0.2, 0.2, 0.2, 0.6), tensorOf([]int{3, 3}, 0, 1, 0, 0, 0, 1, 0, 0, 1), 2},
		{"categorical ties take the first", CategoricalAccuracy{}, tensorOf([]int{1, 2}, 0.5, 0.5), tensorOf([]int{1, 2}, 0, 1), 0},
		{"sparse", SparseCategoricalAccuracy{}, tensorOf([]int{3, 3}, 0.1, 0.7, 0.2, 0.5, 0.3, 0.2, 0.2, 0.2, 0.6), tensorOf([]int{3, 1}, 1, 2, 2), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.metric.Sum(tt.pred, tt.target); got != tt.want {
				t.Errorf("Sum = %v, want %v", got, tt.want)
			}
			if tt.metric.Name() != "accuracy" {
				t.Errorf("Name = %q, want accuracy", tt.metric.Name())
			}
		})
	}
}

func TestAccuracyFor(t *testing.T) {
	tests := []struct {
		loss Loss
		want Metric
	}{
		{BinaryCrossentropy{}, BinaryAccuracy{}},
		{CategoricalCrossentropy{}, CategoricalAccuracy{}},
		{SparseCategoricalCrossentropy{}, SparseCategoricalAccuracy{}},
	}
	for _, tt := range tests {
		if got := AccuracyFor(tt.loss); got != tt.want {
			t.Errorf("AccuracyFor(%s) = %T, want %T", tt.loss.Name(), got, tt.want)
		}
	}
}
