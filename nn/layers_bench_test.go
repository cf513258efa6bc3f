package nn

import (
	"fmt"
	"math/rand"
	"testing"
	"time"
)

// benchLayer times Forward (inference) and a training Backward of one layer
// built for the per-sample shape in, at the given batch size, and reports
// GFLOP/s when flops (per sample, forward) is known. GEMMs run on the
// default Engine (nn/sgemm).
func benchLayer(b *testing.B, l Layer, in []int, batch int, flops float64) {
	out, err := l.Build(in)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	if i, ok := l.(Initializer); ok {
		i.Init(rng)
	}
	x := NewTensor(append([]int{batch}, in...)...)
	fillUniform(x.Data, 1, rng)
	y := NewTensor(append([]int{batch}, out...)...)
	dy := NewTensor(y.Shape...)
	fillUniform(dy.Data, 1, rng)
	dx := NewTensor(x.Shape...)
	// GFLOP/s from wall time, and GFLOP/s-cpu per core from the process's
	// CPU time (the steadier figure on a shared machine).
	report := func(b *testing.B, f float64, start time.Duration) {
		if f <= 0 {
			return
		}
		total := f * float64(batch) * float64(b.N) / 1e9
		b.ReportMetric(total/b.Elapsed().Seconds(), "GFLOP/s")
		if c := cpuTime() - start; c > 0 {
			b.ReportMetric(total/c.Seconds(), "GFLOP/s-cpu")
		}
	}
	b.Run("forward", func(b *testing.B) {
		l.Forward(y, x, false)
		start := cpuTime()
		for b.Loop() {
			l.Forward(y, x, false)
		}
		report(b, flops, start)
	})
	b.Run("backward", func(b *testing.B) {
		l.Forward(y, x, true)
		l.Backward(dx, dy, x, y)
		start := cpuTime()
		for b.Loop() {
			l.Backward(dx, dy, x, y)
		}
		report(b, 2*flops, start)
	})
}

// The reference model's layers (docs/REFERENCE.md §2) at batch 2.
func BenchmarkConv2D(b *testing.B) {
	for i, c := range []struct{ in, filters int }{{3, 32}, {32, 64}, {64, 128}, {128, 128}} {
		size := []int{150, 74, 36, 17}[i]
		o := size - 2
		b.Run(fmt.Sprintf("conv2d_%d", i+1), func(b *testing.B) {
			benchLayer(b, NewConv2D(c.filters, 3, 3, WithActivation("relu")), []int{size, size, c.in}, 2,
				2*float64(o*o*9*c.in*c.filters))
		})
	}
}

func BenchmarkMaxPooling2D(b *testing.B) {
	for i, s := range [][]int{{148, 148, 32}, {72, 72, 64}, {34, 34, 128}, {15, 15, 128}} {
		b.Run(fmt.Sprintf("max_pooling2d_%d", i+1), func(b *testing.B) {
			benchLayer(b, NewMaxPooling2D(2, 2), s, 2, 0)
		})
	}
}

func BenchmarkAveragePooling2D(b *testing.B) {
	benchLayer(b, NewAveragePooling2D(2, 2), []int{148, 148, 32}, 2, 0)
}

func BenchmarkDense(b *testing.B) {
	b.Run("dense_1", func(b *testing.B) {
		benchLayer(b, NewDense(512, WithActivation("relu")), []int{6272}, 2, 2*6272*512)
	})
	b.Run("dense_2", func(b *testing.B) {
		benchLayer(b, NewDense(1, WithActivation("sigmoid")), []int{512}, 2, 2*512)
	})
}

func BenchmarkFlatten(b *testing.B) { benchLayer(b, NewFlatten(), []int{7, 7, 128}, 2, 0) }

func BenchmarkDropout(b *testing.B) { benchLayer(b, NewDropout(0.5), []int{512}, 2, 0) }
