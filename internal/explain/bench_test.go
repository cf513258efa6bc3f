package explain

import (
	"context"
	"testing"
)

// Benchmarks on the tutorial's model (150×150×3, formula weights). The
// machine these run on is shared: treat the numbers as noisy.

func benchExplain(b *testing.B, o Options) {
	m, x := tutorialModel(b)
	e := New(FromSequential(m))
	if _, err := e.Explain(context.Background(), x, o); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.Explain(context.Background(), x, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkForward is the forward pass the activation grid already does.
func BenchmarkForward(b *testing.B) {
	m, x := tutorialModel(b)
	e := New(FromSequential(m))
	for i := 0; i < b.N; i++ {
		if _, err := e.forward(x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGradCAMAfterForward is Grad-CAM at conv2d_4 after the grid's
// forward pass: the backward pass to conv2d_4 and the map.
func BenchmarkGradCAMAfterForward(b *testing.B) {
	m, x := tutorialModel(b)
	e := New(FromSequential(m))
	if _, err := e.forward(x); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := e.ExplainForwarded(Options{Method: GradCAM, Class: Predicted}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSaliency(b *testing.B) { benchExplain(b, Options{Method: Saliency, Class: Predicted}) }
func BenchmarkSmoothGrad25(b *testing.B) {
	benchExplain(b, Options{Method: SmoothGrad, Class: Predicted})
}
func BenchmarkIG32(b *testing.B) {
	benchExplain(b, Options{Method: IntegratedGradients, Class: Predicted})
}
