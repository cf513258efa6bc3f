package nn

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// dropoutBlobModel is a 2-8-1 network of real layers with a Dropout, so
// that its checkpoint holds a random-stream state.
func dropoutBlobModel(t testing.TB, seed int64) *Sequential {
	t.Helper()
	m, err := NewSequential([]int{2}, NewDense(8, WithActivation("relu")), NewDropout(0.25), NewDense(1, WithActivation("sigmoid")))
	if err != nil {
		t.Fatal(err)
	}
	m.Init(seed)
	return m
}

// A run stopped mid-epoch, saved as a checkpoint file and resumed in a new
// model loaded from that file, ends with the uninterrupted run's weights
// and history: weights, optimizer slots, progress and Dropout's random
// stream all go through the file.
func TestCheckpointResume(t *testing.T) {
	for name, newOpt := range resumeOptimizers() {
		t.Run(name, func(t *testing.T) {
			cfg := FitConfig{Epochs: 3, StepsPerEpoch: 4, BatchSize: 5}
			full := NewTrainer(dropoutBlobModel(t, 3), BinaryCrossentropy{}, newOpt())
			want, err := full.Fit(context.Background(), newBlobs(7), cfg)
			if err != nil {
				t.Fatal(err)
			}

			first := NewTrainer(dropoutBlobModel(t, 3), BinaryCrossentropy{}, newOpt())
			ctx, cancel := context.WithCancel(context.Background())
			c1 := cfg
			n := 0
			c1.OnBatch = func(BatchLog) {
				if n++; n == 6 {
					cancel()
				}
			}
			h1, _ := first.Fit(ctx, newBlobs(7), c1)
			cancel()
			path := filepath.Join(t.TempDir(), "ckpt.safetensors")
			ck := Checkpoint{Optimizer: first.Optimizer.(StatefulOptimizer).State(), Progress: first.Progress(), Config: `{"seed":3}`}
			if err := SaveCheckpoint(path, first.Model, Metadata{History: h1}, ck, first.Optimizer.LearningRate()); err != nil {
				t.Fatal(err)
			}

			m, meta, got, err := LoadCheckpoint(path)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || got.Progress != ck.Progress || got.Config != ck.Config || got.Optimizer.Iterations != ck.Optimizer.Iterations {
				t.Fatalf("checkpoint %+v, want %+v", got, ck)
			}
			opt := newOpt()
			if err := opt.SetState(m.Params(), got.Optimizer); err != nil {
				t.Fatal(err)
			}
			second := NewTrainer(m, BinaryCrossentropy{}, opt)
			c2 := cfg
			c2.Resume = &got.Progress
			h2, err := second.Fit(context.Background(), newBlobs(7), c2)
			if err != nil {
				t.Fatal(err)
			}
			if !bitEqual(weights(m), weights(full.Model)) {
				t.Error("weights after resuming from the checkpoint file differ from the uninterrupted run's")
			}
			if err := meta.History.Extend(h2); err != nil {
				t.Fatal(err)
			}
			if a, b := meta.History.Values("loss"), want.Values("loss"); !slicesEqual(a, b) {
				t.Errorf("loss history %v, want %v", a, b)
			}

			// A checkpoint is a model file for every other reader.
			plain, pmeta, err := LoadFile(path)
			if err != nil {
				t.Fatalf("LoadFile of a checkpoint: %v", err)
			}
			if !bitEqual(weights(plain), weights(first.Model)) || len(pmeta.Extra) != 0 {
				t.Errorf("LoadFile of a checkpoint: weights differ or metadata leaked into Extra: %v", pmeta.Extra)
			}
		})
	}
}

func slicesEqual(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLoadCheckpointPlainAndBad(t *testing.T) {
	dir := t.TempDir()
	m := dropoutBlobModel(t, 1)
	plain := filepath.Join(dir, "plain.safetensors")
	if err := SaveFile(plain, m, Metadata{}); err != nil {
		t.Fatal(err)
	}
	if _, _, c, err := LoadCheckpoint(plain); err != nil || c != nil {
		t.Errorf("LoadCheckpoint of a plain model: %v, %v; want no checkpoint and no error", c, err)
	}
	if err := SaveFile(plain, m, Metadata{Extra: map[string]string{"optimizer": "x"}}); err == nil {
		t.Error("SaveFile accepted a reserved checkpoint key in Extra")
	}
	// Mis-sized slots are refused when restored.
	opt := NewRMSprop(0.01)
	NewTrainer(m, BinaryCrossentropy{}, opt).Fit(context.Background(), newBlobs(1), FitConfig{StepsPerEpoch: 2, BatchSize: 3})
	st := opt.State()
	path := filepath.Join(dir, "ckpt.safetensors")
	if err := SaveCheckpoint(path, m, Metadata{}, Checkpoint{Optimizer: st}, 0.01); err != nil {
		t.Fatal(err)
	}
	other, err := NewSequential([]int{2}, NewDense(9, WithActivation("relu")), NewDropout(0.25), NewDense(1))
	if err != nil {
		t.Fatal(err)
	}
	_, _, c, err := LoadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := NewRMSprop(0).SetState(other.Params(), c.Optimizer); err == nil || !strings.Contains(err.Error(), "expected 18 values, received 16") {
		t.Errorf("SetState for another model: %v", err)
	}
	// A NaN in an optimizer slot is refused like one in a weight.
	for k := range st.Slots {
		st.Slots[k][0] = float32(math.NaN())
		break
	}
	if err := SaveCheckpoint(path, m, Metadata{}, Checkpoint{Optimizer: st}, 0.01); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := LoadCheckpoint(path); !errors.Is(err, ErrNotFinite) {
		t.Errorf("LoadCheckpoint with a NaN slot: %v", err)
	}
	os.Remove(path)
}

// SaveFile removes the temporary files of saves killed an hour or more ago
// for the same destination, and keeps recent ones and other files.
func TestSaveFileRemovesStaleTemporaries(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	files := map[string]bool{
		".m.safetensors.123.tmp":   true,
		".m.safetensors.456.tmp":   false, // fresh
		".n.safetensors.1.tmp":     false,
		".m.safetensors.tmp":       false,
		"keep.m.safetensors.1.tmp": false,
	}
	for name := range files {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte("x"), 0o644)
		if name != ".m.safetensors.456.tmp" {
			os.Chtimes(p, old, old)
		}
	}
	if err := SaveFile(filepath.Join(dir, "m.safetensors"), dropoutBlobModel(t, 1), Metadata{}); err != nil {
		t.Fatal(err)
	}
	for name, removed := range files {
		_, err := os.Stat(filepath.Join(dir, name))
		if gone := os.IsNotExist(err); gone != removed {
			t.Errorf("%s: removed %v, want %v", name, gone, removed)
		}
	}
}
