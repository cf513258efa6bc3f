package session

import (
	"math/rand"
	"path/filepath"
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

// The ETA is the time per step so far (finished epochs, validation
// included, and the current epoch) times the steps left, to the second:
// after 12 s of finished epochs and 6 s into epoch 2 at step 6 of 10, 16
// steps took 18 s; 24 of 40 are left: 24 × 1.125 s = 27 s.
func TestETA(t *testing.T) {
	cfg := TrainConfig{}
	cfg.Epochs, cfg.StepsPerEpoch = 4, 10
	for _, c := range []struct {
		done time.Duration
		l    nn.BatchLog
		want time.Duration
	}{
		{12 * time.Second, nn.BatchLog{Epoch: 1, Step: 5, Elapsed: 6 * time.Second}, 27 * time.Second},
		{0, nn.BatchLog{Epoch: 0, Step: 0, Elapsed: 2 * time.Second}, 78 * time.Second},
		{30 * time.Second, nn.BatchLog{Epoch: 3, Step: 9, Elapsed: 10 * time.Second}, 0},
		{0, nn.BatchLog{Epoch: 0, Step: 1, Elapsed: 1300 * time.Millisecond}, 25 * time.Second}, // 38 × 0.65 s = 24.7 s
	} {
		if got := eta(c.done, c.l, cfg); got != c.want {
			t.Errorf("eta(%v, epoch %d step %d at %v) = %v, want %v", c.done, c.l.Epoch, c.l.Step, c.l.Elapsed, got, c.want)
		}
	}
}

// Over a run the elapsed time only grows (finished epochs plus the
// current one's), and before the first epoch ends there is no last epoch
// (-1). A checkpoint that cannot be saved is reported after every epoch
// and training goes on.
func TestTrainingElapsedAndCheckpointErrors(t *testing.T) {
	net, _ := tinyModel(t, 12).CloneNet()
	cfg := tinyTrainConfig()
	cfg.Checkpoint = filepath.Join(t.TempDir(), "missing", "autosave.safetensors")
	var mu sync.Mutex
	var progs []Progress
	ckErrs := 0
	tr, err := StartTraining(net, cfg, TrainCallbacks{
		OnProgress:        func(p Progress) { mu.Lock(); progs = append(progs, p); mu.Unlock() },
		OnCheckpointError: func(error) { mu.Lock(); ckErrs++; mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := tr.Progress(); p.LastEpoch.Epoch != -1 || p.Epochs != 3 || p.Steps != 8 {
		t.Errorf("progress at the start: last epoch %d, %d epochs of %d steps", p.LastEpoch.Epoch, p.Epochs, p.Steps)
	}
	if res := tr.Wait(); res.Err != nil || res.History.Len() != 3 {
		t.Fatalf("result %+v", res)
	}
	mu.Lock()
	defer mu.Unlock()
	if ckErrs != 3 {
		t.Errorf("%d checkpoint errors reported, want one per epoch (3)", ckErrs)
	}
	if progs[0].LastEpoch.Epoch != -1 {
		t.Errorf("first progress has last epoch %d, want -1", progs[0].LastEpoch.Epoch)
	}
	for i := 1; i < len(progs); i++ {
		if progs[i].Elapsed < progs[i-1].Elapsed {
			t.Fatalf("elapsed went back from %v to %v (epoch %d step %d)", progs[i-1].Elapsed, progs[i].Elapsed, progs[i].Epoch, progs[i].Step)
		}
	}
}

// An hour exactly is shown with hours; a second less without.
func TestFormatETAAtTheHour(t *testing.T) {
	for d, want := range map[time.Duration]string{3600 * time.Second: "1:00:00", 3599 * time.Second: "59:59", 3599500 * time.Millisecond: "1:00:00"} {
		if got := FormatETA(d); got != want {
			t.Errorf("FormatETA(%v) = %q, want %q", d, got, want)
		}
	}
}
