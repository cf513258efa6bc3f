package nn

import (
	"math/rand"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/convscope/convscope/nn/sgemm"
)

// BenchmarkTrainStep measures one training step of the reference model
// (the Keras tutorial's cats-vs-dogs convnet) on a batch of 20 150×150×3
// images, as the tutorial trains it: forward pass, binary cross-entropy and
// its gradient, backward pass, RMSprop(1e-4) update. It reports images/s,
// with gonum's Sgemm and with Convscope's (nn/sgemm, what the app installs).
func BenchmarkTrainStep(b *testing.B) {
	defer blas32.Use(gonum.Implementation{})
	for _, impl := range []struct {
		name string
		use  func()
	}{
		{"blas=sgemm", sgemm.Use},
		{"blas=gonum", func() { blas32.Use(gonum.Implementation{}) }},
	} {
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
