package nn

import (
	"math/rand"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas/gonum"
)

// benchImpls are the GEMMs the model benchmarks compare: Convscope's Sgemm
// (the default Engine, what the app uses) and gonum's.
var benchImpls = []struct {
	name string
	eng  Engine
}{
	{"blas=sgemm", Engine{}},
	{"blas=gonum", Engine{BLAS: gonum.Implementation{}}},
}

// cpuMeter reports, next to the wall time, the process CPU time per op and
// the images per second: on a machine shared with other work the CPU time
// is the steadier figure.
type cpuMeter struct{ start time.Duration }

// startCPU starts measuring; call it right before the timed loop.
func startCPU() cpuMeter { return cpuMeter{cpuTime()} }

// report adds the metrics cpu-ms/op and images/s for images per op.
func (m cpuMeter) report(b *testing.B, images int) {
	if c := cpuTime() - m.start; c > 0 {
		b.ReportMetric(float64(c.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
	}
	b.ReportMetric(float64(images*b.N)/b.Elapsed().Seconds(), "images/s")
}

// referenceInput returns a batch of n random 150×150×3 images with pixels in
// [0, 1] (rescaled by 1/255, as the tutorial feeds them).
func referenceInput(n int) *Tensor {
	x := NewTensor(n, 150, 150, 3)
	fillUniform(x.Data, 0.5, rand.New(rand.NewSource(1)))
	for i := range x.Data {
		x.Data[i] += 0.5
	}
	return x
}

// BenchmarkActivations times the tutorial's "activation model": every
// layer's output of ReferenceModel for one 150×150×3 image (one op = one
// image, inference). Besides the mean it reports median-ms, the median
// single image (the statistic scripts/bench_ort.js reports for ONNX
// Runtime, which bench.sh compares it with), and fastest-ms, the fastest
// single image: on a loaded machine, the best estimate of an idle one.
func BenchmarkActivations(b *testing.B) {
	for _, impl := range benchImpls {
		b.Run(impl.name, func(b *testing.B) {
			m, err := ReferenceModel()
			if err != nil {
				b.Fatal(err)
			}
			m.SetEngine(impl.eng)
			x := referenceInput(1)
			m.Activations(x)
			var times []time.Duration
			c := startCPU()
			for b.Loop() {
				t0 := time.Now()
				m.Activations(x)
				times = append(times, time.Since(t0))
			}
			c.report(b, 1)
			b.ReportMetric(median(times).Seconds()*1e3, "median-ms")
			b.ReportMetric(fastest(times).Seconds()*1e3, "fastest-ms")
		})
	}
}

// BenchmarkInference times ReferenceModel's prediction for a batch of 20
// images (one op = one batch, inference), as model.predict at batch 20.
func BenchmarkInference(b *testing.B) {
	for _, impl := range benchImpls {
		b.Run(impl.name, func(b *testing.B) {
			m, err := ReferenceModel()
			if err != nil {
				b.Fatal(err)
			}
			m.SetEngine(impl.eng)
			const batch = 20
			x := referenceInput(batch)
			m.Predict(x)
			c := startCPU()
			for b.Loop() {
				m.Predict(x)
			}
			c.report(b, batch)
		})
	}
}
