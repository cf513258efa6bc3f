package nn

import (
	"math/rand"
	"testing"
)

// BenchmarkTrainStep measures one training step of the reference model
// (the Keras tutorial's cats-vs-dogs convnet) on a batch of 20 150×150×3
// images, as the tutorial trains it: forward pass, binary cross-entropy and
// its gradient, backward pass, RMSprop(1e-4) update. It reports images/s.
func BenchmarkTrainStep(b *testing.B) {
	m, err := ReferenceModel()
	if err != nil {
		b.Fatal(err)
	}
	const batch = 20
	x := NewTensor(batch, 150, 150, 3)
	y := NewTensor(batch, 1)
	rng := rand.New(rand.NewSource(1))
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	for i := range y.Data {
		y.Data[i] = float32(i % 2)
	}
	tr := NewTrainer(m, BinaryCrossentropy{}, NewRMSprop(1e-4))
	tr.TrainBatch(x, y) // size the buffers and the optimizer state
	for b.Loop() {
		tr.TrainBatch(x, y)
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "images/s")
}
