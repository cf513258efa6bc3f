package nn

import (
	"math/rand"
	"testing"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/convscope/convscope/nn/sgemm"
)

// BenchmarkActivations times the tutorial's "activation model": every
// layer's output of ReferenceModel for one 150×150×3 image (one op = one
// image, inference), with Convscope's Sgemm (what the app installs) and
// with gonum's.
func BenchmarkActivations(b *testing.B) {
	defer blas32.Use(blas32.Implementation())
	for _, impl := range []struct {
		name string
		use  func()
	}{
		{"blas=sgemm", sgemm.Use},
		{"blas=gonum", func() { blas32.Use(gonum.Implementation{}) }},
	} {
		b.Run(impl.name, func(b *testing.B) {
			impl.use()
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
		})
	}
}
