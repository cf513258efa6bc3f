package nn

import "testing"

// BenchmarkTrainStep measures one training step of the reference model
// (the Keras tutorial's cats-vs-dogs convnet) on a batch of 20 150×150×3
// images, as the tutorial trains it: forward pass, binary cross-entropy and
// its gradient, backward pass, RMSprop(1e-4) update. It reports images/s and
// CPU time per step, with Convscope's Sgemm (nn/sgemm, the default
// Engine) and with gonum's.
func BenchmarkTrainStep(b *testing.B) {
	for _, impl := range benchImpls {
		b.Run(impl.name, func(b *testing.B) {
			benchTrainStep(b, impl.eng)
		})
	}
}

func benchTrainStep(b *testing.B, e Engine) {
	m, err := ReferenceModel()
	if err != nil {
		b.Fatal(err)
	}
	m.SetEngine(e)
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
