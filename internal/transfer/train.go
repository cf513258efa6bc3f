package transfer

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"time"

	"github.com/convscope/convscope/nn"
)

// Config is a training run's settings: Keras' compile and fit arguments
// plus the augmentation and the feature cache.
type Config struct {
	// Optimizer and LearningRate: a Keras optimizer identifier and its
	// rate; empty and 0 mean the tutorial's (nn.TutorialRecipe: RMSprop,
	// 1e-4) for the head, and a tenth of that for fine-tuning.
	Optimizer    string
	LearningRate float64
	// Epochs (default 1), BatchSize (default the tutorial's 20) and
	// StepsPerEpoch (default: one pass over the training samples).
	Epochs, BatchSize, StepsPerEpoch int
	// InitialEpoch numbers the first epoch (fine-tuning continues the
	// head's epochs, as Keras' initial_epoch).
	InitialEpoch int
	// Seed orders the samples (a fresh permutation per pass) and draws
	// the augmentations.
	Seed int64
	// Augment, if non-nil, augments every training image; the base then
	// runs on every batch (no feature cache).
	Augment *Augment
	// NoCache runs the base on every batch even without augmentation.
	NoCache bool
	// CacheBytes bounds the cache's memory (0: DefaultCacheBytes); the
	// rest spills to a temporary file in CacheDir ("": os.TempDir).
	CacheBytes int64
	CacheDir   string
	// Validation, if non-nil, is evaluated after every epoch.
	Validation Samples
	// OnBatch and OnEpoch, if non-nil, are called after every batch and
	// epoch (the session's live plot reads them, as for any training).
	OnBatch func(nn.BatchLog)
	OnEpoch func(nn.EpochLog)
	// Control, if non-nil, pauses training between batches.
	Control *nn.Control
	// OnFeatures, if non-nil, is called once the features are cached,
	// before the first epoch.
	OnFeatures func(Stats)
}

// Stats reports how a run went besides its History.
type Stats struct {
	// Cached is whether the head trained on cached features; Extraction
	// is the time spent computing them (training and validation), and
	// Spilled the number of vectors the cache kept on disk.
	Cached     bool
	Extraction time.Duration
	Spilled    int
}

func (c Config) withDefaults(n int) (Config, error) {
	if c.Epochs == 0 {
		c.Epochs = 1
	}
	rec := nn.TutorialRecipe()
	if c.BatchSize == 0 {
		c.BatchSize = rec.BatchSize
	}
	if c.Optimizer == "" {
		c.Optimizer = rec.Optimizer
	}
	if n == 0 {
		return c, fmt.Errorf("transfer: no training samples")
	}
	if c.Epochs < 0 || c.BatchSize < 0 || c.StepsPerEpoch < 0 || c.InitialEpoch < 0 || c.InitialEpoch > c.Epochs {
		return c, fmt.Errorf("transfer: expected positive epochs, batch size and steps, received %d, %d and %d (initial epoch %d)", c.Epochs, c.BatchSize, c.StepsPerEpoch, c.InitialEpoch)
	}
	c.BatchSize = min(c.BatchSize, n)
	if c.StepsPerEpoch == 0 {
		c.StepsPerEpoch = (n + c.BatchSize - 1) / c.BatchSize
	}
	if c.Augment != nil {
		if err := c.Augment.Check(); err != nil {
			return c, err
		}
	}
	return c, nil
}

// order yields sample indices: a fresh seeded permutation per pass.
type order struct {
	rng  *rand.Rand
	perm []int
	pos  int
}

func newOrder(n int, seed int64) *order {
	return &order{rng: rand.New(rand.NewSource(seed)), perm: make([]int, n), pos: n}
}

func (o *order) next(idx []int) {
	for k := range idx {
		if o.pos == len(o.perm) {
			for i := range o.perm {
				o.perm[i] = i
			}
			o.rng.Shuffle(len(o.perm), func(i, j int) { o.perm[i], o.perm[j] = o.perm[j], o.perm[i] })
			o.pos = 0
		}
		idx[k] = o.perm[o.pos]
		o.pos++
	}
}

// loader fills a batch of images (augmented if aug is set).
type loader struct {
	s   Samples
	aug *Augment
	rng *rand.Rand
	tmp []float32
}

func (l *loader) load(idx []int, x, y *nn.Tensor) error {
	size := shapeSize(l.s.Shape())
	for k, i := range idx {
		xk := x.Data[k*size : (k+1)*size]
		class, err := l.s.Load(i, xk)
		if err != nil {
			return fmt.Errorf("transfer: sample %d: %w", i, err)
		}
		y.Data[k] = float32(class)
		if l.aug != nil {
			sh := l.s.Shape()
			l.tmp = slices.Grow(l.tmp[:0], size)[:size]
			l.aug.Random(l.rng, sh[0], sh[1]).Apply(l.tmp, xk, sh[0], sh[1], sh[2])
			copy(xk, l.tmp)
		}
	}
	return nil
}

func shapeSize(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// batchFn fills x (the trained graph's input) and y for the samples idx.
type batchFn func(idx []int, x, y *nn.Tensor) error

// evalFn returns the validation loss and accuracy.
type evalFn func() (loss, acc float64, err error)

// fit is the training loop shared by the head and fine-tuning: Keras'
// fit over cfg.Epochs epochs of cfg.StepsPerEpoch batches, each a forward
// pass in training mode, the loss, a backward pass and one optimizer step
// on g's trainable parameters.
func fit(ctx context.Context, g *nn.Graph, loss nn.Loss, opt nn.Optimizer, n int, cfg Config, batch batchFn, eval evalFn) (*nn.History, error) {
	hist := &nn.History{}
	metric := nn.AccuracyFor(loss)
	b := cfg.BatchSize
	x := nn.NewTensor(append([]int{b}, g.InputShape()...)...)
	y := nn.NewTensor(b, 1)
	dy := nn.NewTensor(append([]int{b}, g.OutputShape()...)...)
	idx := make([]int, b)
	ord := newOrder(n, cfg.Seed)
	names := []string{"loss", "accuracy"}
	if eval != nil {
		names = append(names, "val_loss", "val_accuracy")
	}
	for epoch := cfg.InitialEpoch; epoch < cfg.Epochs; epoch++ {
		start := time.Now()
		var paused time.Duration
		var lossSum, accSum float64
		for step := 0; step < cfg.StepsPerEpoch; step++ {
			d, err := cfg.Control.Wait(ctx)
			paused += d
			if err == nil {
				err = ctx.Err()
			}
			if err != nil {
				return hist, fmt.Errorf("transfer: stopped at epoch %d, step %d: %w", epoch+1, step+1, err)
			}
			ord.next(idx)
			if err := batch(idx, x, y); err != nil {
				return hist, err
			}
			pred := g.Forward(x, true)
			l := loss.Loss(pred, y)
			if math.IsNaN(l) || math.IsInf(l, 0) {
				return hist, fmt.Errorf("transfer: epoch %d, step %d: %w (%v)", epoch+1, step+1, nn.ErrLossNotFinite, l)
			}
			lossSum += l
			accSum += metric.Sum(pred, y)
			loss.Grad(dy, pred, y)
			g.Backward(dy)
			opt.Step(g.Params())
			if cfg.OnBatch != nil {
				el := time.Since(start) - paused
				k := float64(step + 1)
				cfg.OnBatch(nn.BatchLog{Epoch: epoch, Epochs: cfg.Epochs, Step: step, Steps: cfg.StepsPerEpoch,
					Loss: lossSum / k, Accuracy: accSum / (k * float64(b)), ImagesPerSec: k * float64(b) / max(el.Seconds(), 1e-9), Elapsed: el})
			}
		}
		k := float64(cfg.StepsPerEpoch)
		log := nn.EpochLog{Epoch: epoch, Epochs: cfg.Epochs, Loss: lossSum / k, Accuracy: accSum / (k * float64(b))}
		values := []float64{log.Loss, log.Accuracy}
		if eval != nil {
			vl, va, err := eval()
			if err != nil {
				return hist, fmt.Errorf("transfer: epoch %d: validation: %w", epoch+1, err)
			}
			log.Validated, log.ValLoss, log.ValAccuracy = true, vl, va
			values = append(values, vl, va)
		}
		log.Duration = time.Since(start) - paused
		hist.Append(epoch, names, values)
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(log)
		}
	}
	return hist, nil
}

// newOptimizer returns cfg's optimizer at cfg's rate, or def if unset.
func newOptimizer(cfg Config, def float64) (nn.Optimizer, error) {
	lr := cfg.LearningRate
	if lr == 0 {
		lr = def
	}
	return nn.OptimizerByName(cfg.Optimizer, lr)
}
