package nn

import (
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
)

// BenchmarkTrainStep measures one training step of the reference model
// (the Keras tutorial's cats-vs-dogs convnet) on a batch of 20 150×150×3
// images, as the tutorial trains it: forward pass, binary cross-entropy and
// its gradient, backward pass, RMSprop(1e-4) update. It reports images/s and
// CPU time per step, with Convscope's Sgemm (nn/sgemm, what the app
// installs) and with gonum's.
func BenchmarkTrainStep(b *testing.B) {
	defer blas32.Use(blas32.Implementation())
	for _, impl := range benchImpls {
		b.Run(impl.name, func(b *testing.B) {
			impl.use()
			benchTrainStep(b)
		})
	}
}

func benchTrainStep(b *testing.B) {
	m, err := ReferenceModel()
	if err != nil {
		b.Fatal(err)
	}
	const batch = 20
	x := referenceInput(batch)
	y := NewTensor(batch, 1)
	for i := range y.Data {
		y.Data[i] = float32(i % 2)
	}
	tr := NewTrainer(m, BinaryCrossentropy{}, NewRMSprop(1e-4))
	tr.TrainBatch(x, y) // size the buffers and the optimizer state
	c := startCPU()
	for b.Loop() {
		tr.TrainBatch(x, y)
	}
	c.report(b, batch)
}
