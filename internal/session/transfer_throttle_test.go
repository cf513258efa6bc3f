package session

import (
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// A transfer run's progress throttle, counted where it is applied: the
// session's Post runs what it is given at once, so the Latest between the
// run and OnProgress never holds a value and every progress report the run
// emits reaches OnProgress. A run of E epochs of S steps reports
//   - with an hour between updates: the first batch (nothing was reported
//     before it), each epoch's last batch and each epoch's end (forced), and
//     the end of the run: 2 + 2E;
//   - with a nanosecond: every batch, each epoch's end and the run's end:
//     S·E + E + 1;
//   - with UpdateEvery 0, which means the default 250 ms: at least
//     2 + 2E, and fewer than every batch (a run of 36 steps of a 16-pixel
//     model's head takes well under the 6.5 s it would need to emit that many).
func TestTransferProgressThrottle(t *testing.T) {
	const perClass, epochs = 6, 3 // 12 images, batches of 1: 12 steps
	const steps = 2 * perClass
	dir := writeFolders(t, filepath.Join(t.TempDir(), "train"), perClass, "ants", "bees")
	cases := []struct {
		name        string
		every       time.Duration
		lo, hi      int // the number of reports, lo ≤ n ≤ hi
		wantCounted string
	}{
		{"an hour between updates", time.Hour, 2 + 2*epochs, 2 + 2*epochs, "the first batch, each epoch's last batch and end, the run's end"},
		{"a nanosecond between updates", time.Nanosecond, steps*epochs + epochs + 1, steps*epochs + epochs + 1, "every batch, each epoch's end, the run's end"},
		{"the default 250 ms", 0, 2 + 2*epochs, steps*epochs + epochs, "not every batch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var (
				mu      sync.Mutex
				reports int
				steps   []int
				done    = make(chan TrainResult, 1)
			)
			s := New(Options{
				Model:   tinyModel(t, 16),
				Post:    func(fn func()) { fn() },
				OnFrame: func(*Frame) {},
				OnError: func(err error) { t.Error(err) },
			})
			defer s.Close()
			cfg := DefaultTrainConfig()
			cfg.Epochs, cfg.BatchSize, cfg.UpdateEvery = epochs, 1, c.every
			s.TrainTransfer(TransferRequest{Config: cfg, Data: DataSpec{TrainDir: dir}}, RunCallbacks{
				OnStart: func(_ *Training, _ *Data, err error) {
					if err != nil {
						t.Error(err)
						done <- TrainResult{Err: err}
					}
				},
				OnProgress: func(p Progress) {
					mu.Lock()
					defer mu.Unlock()
					reports++
					steps = append(steps, (p.Epoch-1)*p.Steps+p.Step)
				},
				OnDone: func(r TrainResult) { done <- r },
			})
			var res TrainResult
			select {
			case res = <-done:
			case <-time.After(60 * time.Second):
				t.Fatal("the run did not end")
			}
			s.Wait()
			if res.Err != nil || res.History.Len() != epochs {
				t.Fatalf("result %+v", res)
			}
			mu.Lock()
			defer mu.Unlock()
			if reports < c.lo || reports > c.hi {
				t.Errorf("%d progress reports (at steps %v), want %d to %d (%s)", reports, steps, c.lo, c.hi, c.wantCounted)
			}
		})
	}
}
