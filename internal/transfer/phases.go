package transfer

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"time"

	"github.com/convscope/convscope/nn"
)

// FitHead trains the head on train with the base frozen (run in inference
// mode, its weights untouched). Without augmentation (and unless
// cfg.NoCache) every training and validation sample goes through the base
// once, its features are cached, and every epoch trains only the head;
// otherwise each batch is loaded, augmented and run through the base.
// Validation always uses cached features (it is never augmented). Full
// receives the trained head at the end.
func (m *Model) FitHead(ctx context.Context, train Samples, cfg Config) (*nn.History, Stats, error) {
	var st Stats
	cfg, err := cfg.withDefaults(train.Len())
	if err != nil {
		return &nn.History{}, st, err
	}
	if !slices.Equal(train.Shape(), m.Base.InputShape()) {
		return &nn.History{}, st, fmt.Errorf("transfer: expected samples of shape %v (the base's input), received %v", m.Base.InputShape(), train.Shape())
	}
	opt, err := newOptimizer(cfg, nn.TutorialRecipe().LearningRate)
	if err != nil {
		return &nn.History{}, st, err
	}
	feat := m.Base.OutputShape()
	fs := shapeSize(feat)
	var eval evalFn
	if cfg.Validation != nil {
		start := time.Now()
		vc, err := m.extract(ctx, cfg.Validation, cfg)
		if err != nil {
			return &nn.History{}, st, err
		}
		defer vc.Close()
		st.Extraction += time.Since(start)
		st.Spilled += vc.Spilled()
		eval = func() (float64, float64, error) { return m.evalCached(vc, cfg.BatchSize) }
	}
	var batch batchFn
	if cfg.Augment == nil && !cfg.NoCache {
		start := time.Now()
		tc, err := m.extract(ctx, train, cfg)
		if err != nil {
			return &nn.History{}, st, err
		}
		defer tc.Close()
		st.Cached, st.Extraction, st.Spilled = true, st.Extraction+time.Since(start), st.Spilled+tc.Spilled()
		batch = func(idx []int, x, y *nn.Tensor) error {
			for k, i := range idx {
				c, err := tc.get(i, x.Data[k*fs:(k+1)*fs])
				if err != nil {
					return err
				}
				y.Data[k] = float32(c)
			}
			return nil
		}
	} else {
		l := &loader{s: train, aug: cfg.Augment, rng: rand.New(rand.NewSource(cfg.Seed + 1))}
		var xs *nn.Tensor
		batch = func(idx []int, x, y *nn.Tensor) error {
			if xs == nil {
				xs = nn.NewTensor(append([]int{len(idx)}, train.Shape()...)...)
			}
			if err := l.load(idx, xs, y); err != nil {
				return err
			}
			copy(x.Data, m.Base.Forward(xs, false).Data)
			return nil
		}
	}
	if cfg.OnFeatures != nil && (st.Cached || cfg.Validation != nil) {
		cfg.OnFeatures(st)
	}
	hist, err := fit(ctx, m.Head, m.Loss(), opt, train.Len(), cfg, batch, eval)
	if serr := m.SyncFull(); err == nil {
		err = serr
	}
	return hist, st, err
}

// extract runs every sample of s through the base (inference mode, in
// batches, in order) into a new cache.
func (m *Model) extract(ctx context.Context, s Samples, cfg Config) (*featureCache, error) {
	if !slices.Equal(s.Shape(), m.Base.InputShape()) {
		return nil, fmt.Errorf("transfer: expected samples of shape %v (the base's input), received %v", m.Base.InputShape(), s.Shape())
	}
	n, b := s.Len(), cfg.BatchSize
	fs := shapeSize(m.Base.OutputShape())
	c, err := newFeatureCache(n, fs, cfg.CacheBytes, cfg.CacheDir)
	if err != nil {
		return nil, err
	}
	size := shapeSize(s.Shape())
	x := nn.NewTensor(append([]int{b}, s.Shape()...)...)
	classes := make([]int, b)
	for lo := 0; lo < n; lo += b {
		if err := ctx.Err(); err != nil {
			c.Close()
			return nil, fmt.Errorf("transfer: feature extraction stopped: %w", err)
		}
		k := min(b, n-lo)
		if k < b {
			x = nn.NewTensor(append([]int{k}, s.Shape()...)...)
		}
		for j := 0; j < k; j++ {
			cl, err := s.Load(lo+j, x.Data[j*size:(j+1)*size])
			if err != nil {
				c.Close()
				return nil, fmt.Errorf("transfer: sample %d: %w", lo+j, err)
			}
			classes[j] = cl
		}
		f := m.Base.Forward(x, false)
		for j := 0; j < k; j++ {
			if err := c.put(lo+j, f.Data[j*fs:(j+1)*fs], classes[j]); err != nil {
				c.Close()
				return nil, err
			}
		}
	}
	return c, nil
}

// evalCached returns the head's loss and accuracy over cached features.
func (m *Model) evalCached(c *featureCache, b int) (float64, float64, error) {
	return m.evaluate(m.Head, m.Head.InputShape(), c.n, b, c.get)
}

// Evaluate returns the whole model's (Full's) loss and accuracy over s, in
// inference mode.
func (m *Model) Evaluate(s Samples, batch int) (loss, acc float64, err error) {
	if batch <= 0 {
		batch = nn.TutorialRecipe().BatchSize
	}
	if !slices.Equal(s.Shape(), m.Full.InputShape()) {
		return 0, 0, fmt.Errorf("transfer: expected samples of shape %v, received %v", m.Full.InputShape(), s.Shape())
	}
	return m.evaluate(m.Full, s.Shape(), s.Len(), batch, s.Load)
}

// evaluate returns net's mean loss (m.Loss) and accuracy over n samples of
// the per-sample shape, run in inference mode in batches of batch; load
// fills sample i's values into x and returns its class.
func (m *Model) evaluate(net *nn.Graph, shape []int, n, batch int, load func(i int, x []float32) (int, error)) (float64, float64, error) {
	lf, metric := m.Loss(), nn.AccuracyFor(m.Loss())
	size := shapeSize(shape)
	var lsum, asum float64
	for lo := 0; lo < n; lo += batch {
		k := min(batch, n-lo)
		x := nn.NewTensor(append([]int{k}, shape...)...)
		y := nn.NewTensor(k, 1)
		for j := 0; j < k; j++ {
			cl, err := load(lo+j, x.Data[j*size:(j+1)*size])
			if err != nil {
				return 0, 0, err
			}
			y.Data[j] = float32(cl)
		}
		pred := net.Forward(x, false)
		lsum += lf.Loss(pred, y) * float64(k)
		asum += metric.Sum(pred, y)
	}
	return lsum / float64(n), asum / float64(n), nil
}

// FineTune unfreezes the top layers of the base (the last `layers` nodes
// before the cut, in topological order) and trains them with the head on
// whole images, at cfg's learning rate (default: a tenth of the tutorial's,
// 1e-5). BatchNormalization nodes stay frozen, in inference mode, as
// Keras' transfer-learning guide advises (unfreezing them would let small
// batches wreck what the base learnt). Base and Head receive the tuned
// weights at the end.
func (m *Model) FineTune(ctx context.Context, train Samples, layers int, cfg Config) (*nn.History, error) {
	cfg, err := cfg.withDefaults(train.Len())
	if err != nil {
		return &nn.History{}, err
	}
	if layers <= 0 || layers > len(m.BaseNodes) {
		return &nn.History{}, fmt.Errorf("transfer: fine-tune: expected 1 to %d base layers, received %d", len(m.BaseNodes), layers)
	}
	if err := m.SyncFull(); err != nil {
		return &nn.History{}, err
	}
	for _, name := range m.BaseNodes[len(m.BaseNodes)-layers:] {
		if info, _ := m.Full.Node(name); info.Kind != "BatchNormalization" {
			if err := m.Full.SetTrainable(name, true); err != nil {
				return &nn.History{}, err
			}
		}
	}
	opt, err := newOptimizer(cfg, nn.TutorialRecipe().LearningRate/10)
	if err != nil {
		return &nn.History{}, err
	}
	l := &loader{s: train, aug: cfg.Augment, rng: rand.New(rand.NewSource(cfg.Seed + 1))}
	var eval evalFn
	if v := cfg.Validation; v != nil {
		eval = func() (float64, float64, error) { return m.Evaluate(v, cfg.BatchSize) }
	}
	hist, err := fit(ctx, m.Full, m.Loss(), opt, train.Len(), cfg, l.load, eval)
	if cerr := copyWeights(m.Base, m.Full.Weights()); err == nil {
		err = cerr
	}
	if cerr := copyWeights(m.Head, m.Full.Weights()); err == nil {
		err = cerr
	}
	return hist, err
}
