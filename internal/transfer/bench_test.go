package transfer

import (
	"context"
	"math/rand"
	"testing"

	"github.com/convscope/convscope/internal/testutil"
	"github.com/convscope/convscope/nn"
)

// cpuTime is the process's CPU time on all threads (user + system), which
// stays meaningful on a machine shared with other work.
var cpuTime = testutil.CPUTime

// tutorialTransfer is the tutorial's network (ReferenceModel) cut after
// max_pooling2d_4 (7×7×128) with the Keras book's head for a frozen base:
// Flatten, Dense(256, relu), Dropout(0.5), Dense(1, sigmoid).
func tutorialTransfer(b testing.TB) *Model {
	ref, err := nn.ReferenceModel()
	if err != nil {
		b.Fatal(err)
	}
	g, err := ref.ToGraph()
	if err != nil {
		b.Fatal(err)
	}
	g.Init(1)
	m, err := New(g, Options{Classes: 2, Head: HeadFlatten, Dense: 256, Dropout: 0.5})
	if err != nil {
		b.Fatal(err)
	}
	return m
}

// procSamples are n procedural 150×150×3 images (nothing held in memory).
type procSamples struct{ n int }

func (p procSamples) Len() int     { return p.n }
func (p procSamples) Shape() []int { return []int{150, 150, 3} }
func (p procSamples) Load(i int, x []float32) (int, error) {
	rng := rand.New(rand.NewSource(int64(i)))
	for j := range x {
		x[j] = rng.Float32()
	}
	return i % 2, nil
}

// BenchmarkHeadEpochCached is one epoch of the head over 2,000 cached
// 7×7×128 feature vectors (the tutorial's 2,000 images at 150×150): 100
// steps of 20, RMSprop. Reports wall and CPU ms per epoch.
func BenchmarkHeadEpochCached(b *testing.B) {
	m := tutorialTransfer(b)
	const n = 2000
	fs := 7 * 7 * 128
	c, err := newFeatureCache(n, fs, 0, "")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	rng := rand.New(rand.NewSource(1))
	v := make([]float32, fs)
	for i := range n {
		for j := range v {
			v[j] = rng.Float32()
		}
		c.put(i, v, i%2)
	}
	cfg, _ := Config{}.withDefaults(n)
	batch := func(idx []int, x, y *nn.Tensor) error {
		for k, i := range idx {
			cl, _ := c.get(i, x.Data[k*fs:(k+1)*fs])
			y.Data[k] = float32(cl)
		}
		return nil
	}
	opt, _ := newOptimizer(cfg, 1e-4)
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; i < b.N; i++ {
		cfg.Seed = int64(i)
		if _, err := fit(context.Background(), m.Head, m.Loss(), opt, n, cfg, batch, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N), "cpu-ms/epoch")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "wall-ms/epoch")
}

// BenchmarkExtract compares feature extraction (loading, the base in
// inference mode, storing) with the engine's bare inference over the same
// batches: 100 images of 150×150×3 through the tutorial's base.
func BenchmarkExtract(b *testing.B) {
	m := tutorialTransfer(b)
	s := procSamples{100}
	cfg, _ := Config{}.withDefaults(s.Len())
	x := nn.NewTensor(20, 150, 150, 3)
	for i := range 20 {
		s.Load(i, x.Data[i*150*150*3:(i+1)*150*150*3])
	}
	b.Run("extract", func(b *testing.B) {
		cpu := cpuTime()
		for i := 0; i < b.N; i++ {
			c, err := m.extract(context.Background(), s, cfg)
			if err != nil {
				b.Fatal(err)
			}
			c.Close()
		}
		b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N*s.n), "cpu-ms/img")
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*s.n), "wall-ms/img")
	})
	b.Run("inference", func(b *testing.B) {
		cpu := cpuTime()
		for i := 0; i < b.N; i++ {
			for range 5 {
				m.Base.Forward(x, false)
			}
		}
		b.ReportMetric(float64((cpuTime()-cpu).Milliseconds())/float64(b.N*s.n), "cpu-ms/img")
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*s.n), "wall-ms/img")
	})
}
