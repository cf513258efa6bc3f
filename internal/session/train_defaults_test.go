package session

import (
	"math/rand"
	"sync"
	"testing"
	"time"

	"github.com/convscope/convscope/nn"
)

// countingSource is a BatchSource that counts its batches and records
// their size; check, if set, runs before each batch.
type countingSource struct {
	nn.BatchSource
	mu      sync.Mutex
	batches int
	size    int
	check   func()
}

func (c *countingSource) Next(x, y *nn.Tensor) error {
	if c.check != nil {
		c.check()
	}
	c.mu.Lock()
	c.batches++
	c.size = x.Shape[0]
	c.mu.Unlock()
	return c.BatchSource.Next(x, y)
}

func (c *countingSource) counts() (batches, size int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.batches, c.size
}

// A configuration's zero (or negative) numbers take the tutorial's
// settings: 30 epochs of 100 steps of batches of 20, 50 validation steps,
// RMSprop; progress at most every 250 ms and live weights every 5 steps
// and at most every 500 ms (plus the forced ones: the first batch, each
// epoch's last step, each epoch's end). The run is stopped after its
// first epoch.
func TestTrainConfigZeroTakesTutorialSettings(t *testing.T) {
	for _, n := range []int{0, -1} {
		net, _ := tinyModel(t, 12).CloneNet()
		train := &countingSource{BatchSource: &stripes{rand.New(rand.NewSource(1))}}
		val := &countingSource{BatchSource: &stripes{rand.New(rand.NewSource(2))}}
		cfg := TrainConfig{Train: train, Validation: val, UpdateEvery: time.Duration(n), SnapshotInterval: time.Duration(n), SnapshotEvery: n}
		cfg.Epochs, cfg.StepsPerEpoch, cfg.BatchSize, cfg.ValidationSteps = n, n, n, n
		var mu sync.Mutex
		progress, weights := 0, 0
		firstStep, firstSnap := 0, 0 // the step of the first progress, the batches read at the first snapshot
		epoch := make(chan Progress, 1)
		start := time.Now()
		var elapsed time.Duration
		tr, err := StartTraining(net, cfg, TrainCallbacks{
			OnProgress: func(p Progress) {
				mu.Lock()
				defer mu.Unlock()
				if elapsed != 0 {
					return
				}
				progress++
				if firstStep == 0 {
					firstStep = p.Step
				}
				if p.LastEpoch.Epoch == 0 {
					elapsed = time.Since(start)
					epoch <- p
				}
			},
			OnWeights: func(*nn.Sequential) {
				mu.Lock()
				defer mu.Unlock()
				if elapsed == 0 {
					weights++
				}
				if firstSnap == 0 {
					firstSnap, _ = train.counts()
				}
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		var p Progress
		select {
		case p = <-epoch:
		case <-tr.Done():
			t.Fatalf("%d: the run ended before its first epoch did: %+v", n, tr.Wait())
		}
		tr.Stop()
		res := tr.Wait()
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		trainBatches, size := train.counts()
		valBatches, valSize := val.counts()
		if p.Epochs != 30 || p.Steps != 100 || trainBatches < 100 || size != 20 {
			t.Errorf("%d: %d epochs of %d steps, %d batches of %d; want 30 of 100, batches of 20", n, p.Epochs, p.Steps, trainBatches, size)
		}
		if valBatches != 50 || valSize != 20 || !p.LastEpoch.Validated {
			t.Errorf("%d: %d validation batches of %d, want 50 of 20", n, valBatches, valSize)
		}
		mu.Lock()
		// 100 steps and 1 epoch end in elapsed: the throttled calls plus
		// the forced ones.
		maxProgress := 1 + int(elapsed/(250*time.Millisecond)) + 2
		maxWeights := 1 + int(elapsed/(500*time.Millisecond)) + 1
		if progress > maxProgress || weights > maxWeights || weights == 0 {
			t.Errorf("%d: in the first epoch (%v): %d progress calls (at most %d), %d weight snapshots (1 to %d)",
				n, elapsed, progress, maxProgress, weights, maxWeights)
		}
		// The first batch shows at once; the first snapshot comes at step 5.
		if firstStep != 1 || firstSnap != 5 {
			t.Errorf("%d: first progress at step %d, first snapshot after %d batches; want 1 and 5", n, firstStep, firstSnap)
		}
		mu.Unlock()
		if res.History == nil || len(res.History.Values("loss")) != 1 {
			t.Errorf("%d: history %+v", n, res.History)
		}
	}
}

// The progress of an epoch's last step is sent before validation starts
// (validation may take long: the bar must not wait at the step before),
// however recent the previous update was.
func TestLastStepProgressBeforeValidation(t *testing.T) {
	net, _ := tinyModel(t, 12).CloneNet()
	cfg := tinyTrainConfig()
	cfg.Epochs, cfg.UpdateEvery = 1, time.Hour
	var mu sync.Mutex
	var last Progress
	seen := false
	cfg.Validation = &countingSource{BatchSource: cfg.Validation, check: func() {
		mu.Lock()
		defer mu.Unlock()
		if !seen {
			seen = true
			if last.Step != last.Steps || last.Steps != 8 {
				t.Errorf("validation started with the progress bar at step %d of %d", last.Step, last.Steps)
			}
		}
	}}
	tr, err := StartTraining(net, cfg, TrainCallbacks{OnProgress: func(p Progress) { mu.Lock(); last = p; mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	if res := tr.Wait(); res.Err != nil || !seen {
		t.Fatalf("result %+v, validation ran %v", res, seen)
	}
}
