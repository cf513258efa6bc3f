package nn

import (
	"math/rand"
	"testing"
)

// BenchmarkActivations times the tutorial's "activation model": every
// layer's output of ReferenceModel for one 150×150×3 image (one op = one
// image, inference).
func BenchmarkActivations(b *testing.B) {
	m, err := ReferenceModel()
	if err != nil {
		b.Fatal(err)
	}
	x := NewTensor(1, 150, 150, 3)
	fillUniform(x.Data, 0.5, rand.New(rand.NewSource(1)))
	for i := range x.Data {
		x.Data[i] += 0.5 // pixels rescaled to [0, 1]
	}
	m.Activations(x)
	for b.Loop() {
		m.Activations(x)
	}
}
