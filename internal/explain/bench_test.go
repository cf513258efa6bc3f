package explain

import (
	"context"
	"testing"
)

// Benchmarks on the tutorial's model (150×150×3, formula weights). The
// machine these run on is shared: treat the numbers as noisy. Besides
// ns/op each reports cpu-ms/op, the process's CPU time per operation:
// on a machine where other jobs take the cores, wall time grows but CPU
// time stays close to the work done (divide by the cores used, 2 here, for
// the wall time on a quiet machine).

// reportCPU starts CPU accounting; call the returned function after the loop.
func reportCPU(b *testing.B) func() {
	b.ResetTimer()
	start := cpuTime()
	return func() {
		b.StopTimer()
		b.ReportMetric((cpuTime()-start)*1e3/float64(b.N), "cpu-ms/op")
	}
}

func benchExplain(b *testing.B, o Options) {
	m, x := tutorialModel(b)
	e := New(FromSequential(m))
	if _, err := e.Explain(context.Background(), x, o); err != nil {
		b.Fatal(err)
	}
	defer reportCPU(b)()
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
	defer reportCPU(b)()
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
	defer reportCPU(b)()
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
