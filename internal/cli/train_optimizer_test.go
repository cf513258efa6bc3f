package cli

import (
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// savedOptimizer reads the "optimizer" entry of a saved model's
// safetensors header: {"name", "iterations", "learning_rate"}, written
// from the trainer's optimizer (not from the flags).
func savedOptimizer(t *testing.T, path string) (name string, iterations int, lr float64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(b)
	var header struct {
		Meta map[string]string `json:"__metadata__"`
	}
	if err := json.Unmarshal(b[8:8+n], &header); err != nil {
		t.Fatal(err)
	}
	var o struct {
		Name         string  `json:"name"`
		Iterations   int     `json:"iterations"`
		LearningRate float64 `json:"learning_rate"`
	}
	if err := json.Unmarshal([]byte(header.Meta["optimizer"]), &o); err != nil {
		t.Fatalf("optimizer metadata %q: %v", header.Meta["optimizer"], err)
	}
	return o.Name, o.Iterations, o.LearningRate
}

// TestTrainOptimizerAndRateReachTheTrainer: --optimizer and --lr must be
// the ones the trainer steps with. The saved file records the trainer's
// optimizer (name, steps taken, learning rate) and its state's slots,
// which differ by optimizer (Keras 3 names: Adam keeps momentum and
// velocity, RMSprop velocity, plain SGD nothing).
func TestTrainOptimizerAndRateReachTheTrainer(t *testing.T) {
	dir := t.TempDir()
	train := writeClasses(t, filepath.Join(dir, "train"), 4, "a", "b")
	for _, tc := range []struct {
		opt   string
		lr    string
		want  float64
		slots []string
	}{
		{"adam", "0.0025", 0.0025, []string{"momentum", "velocity"}},
		{"sgd", "0.5", 0.5, nil},
		{"rmsprop", "3e-05", 3e-05, []string{"velocity"}},
	} {
		out := filepath.Join(dir, tc.opt+".safetensors")
		code, stdout, stderr := run(t, tinyTrainArgs(train, out, "--optimizer", tc.opt, "--lr", tc.lr, "--validation-split", "0.25")...)
		if code != 0 {
			t.Fatalf("%s: exit code %d\n%s\n%s", tc.opt, code, stdout, stderr)
		}
		name, iters, lr := savedOptimizer(t, out)
		if name != tc.opt || iters != 2 || lr != tc.want {
			t.Errorf("--optimizer %s --lr %s: saved optimizer %q after %d steps at rate %v, want %q after 2 at %v",
				tc.opt, tc.lr, name, iters, lr, tc.opt, tc.want)
		}
		_, _, ck, err := nn.LoadCheckpoint(out)
		if err != nil || ck == nil {
			t.Fatalf("%s: checkpoint %v, %v", tc.opt, ck, err)
		}
		var kinds []string
		for k := range ck.Optimizer.Slots {
			kind, _, _ := strings.Cut(k, "/")
			if !slices.Contains(kinds, kind) {
				kinds = append(kinds, kind)
			}
		}
		slices.Sort(kinds)
		if !slices.Equal(kinds, tc.slots) {
			t.Errorf("--optimizer %s: state slots %v, want %v", tc.opt, kinds, tc.slots)
		}
	}
}
