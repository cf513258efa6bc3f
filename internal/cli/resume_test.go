package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// dropoutArch is testdata/tiny.json with a Dropout before the classifier,
// so that resuming must also restore a random stream.
const dropoutArch = `{"input_shape": [16, 16, 3], "layers": [
  {"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": 3, "activation": "relu"}},
  {"class_name": "MaxPooling2D", "config": {"pool_size": [2, 2]}},
  {"class_name": "Flatten"},
  {"class_name": "Dropout", "config": {"rate": 0.3}},
  {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}}]}`

// modelState loads a saved model's weights and history (as JSON).
func modelState(t *testing.T, path string) ([]float32, string) {
	t.Helper()
	m, meta, err := nn.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var w []float32
	for _, p := range m.Params() {
		w = append(w, p.Value...)
	}
	h, _ := json.Marshal(meta.History)
	return w, string(h)
}

// `convscope train --resume` continues a run stopped by Ctrl+C (mid-epoch,
// during validation's epoch end, or between epochs) to the weights and
// history of the uninterrupted run, for every optimizer.
func TestTrainResume(t *testing.T) {
	dir := t.TempDir()
	train := writeClasses(t, filepath.Join(dir, "train"), 5, "cats", "dogs")
	arch := filepath.Join(dir, "arch.json")
	if err := os.WriteFile(arch, []byte(dropoutArch), 0o644); err != nil {
		t.Fatal(err)
	}
	args := func(out string, extra ...string) []string {
		return append([]string{"train", "--train", train, "--arch", arch, "--epochs", "3", "--steps-per-epoch", "3",
			"--batch", "3", "--validation-split", "0.2", "--validation-steps", "1", "--seed", "11", "--out", out}, extra...)
	}
	for _, opt := range []string{"rmsprop", "adam", "sgd"} {
		full := filepath.Join(dir, opt+"-full.safetensors")
		if code, stdout, stderr := run(t, args(full, "--optimizer", opt, "--lr", "0.01")...); code != 0 {
			t.Fatalf("%s: uninterrupted run: exit %d\n%s\n%s", opt, code, stdout, stderr)
		}
		wantW, wantH := modelState(t, full)
		for _, stopAfter := range []int{2, 3, 7} { // batches; 3 is the end of epoch 1
			part := filepath.Join(dir, opt+"-part.safetensors")
			hist := filepath.Join(dir, opt+"-part.csv")
			ctx, cancel := context.WithCancel(context.Background())
			n := 0
			trainBatchHook = func(nn.BatchLog) {
				if n++; n == stopAfter {
					cancel()
				}
			}
			code, _, stderr := runCtx(t, ctx, args(part, "--optimizer", opt, "--lr", "0.01", "--history", hist)...)
			trainBatchHook = nil
			cancel()
			if code != ExitInterrupted || !strings.Contains(stderr, "continue with 'convscope train --resume "+part+"'") {
				t.Fatalf("%s: interrupted run: exit %d, stderr %q", opt, code, stderr)
			}
			code, stdout, stderr := run(t, "train", "--resume", part)
			if code != 0 || !strings.Contains(stdout, "Resuming "+part+" at epoch ") || !strings.Contains(stdout, "Saved the model to "+part+" (history: "+hist+")") {
				t.Fatalf("%s: resumed run: exit %d\n%s\n%s", opt, code, stdout, stderr)
			}
			gotW, gotH := modelState(t, part)
			if !closeTo(gotW, wantW, 1e-6) {
				t.Errorf("%s, stopped after batch %d: resumed weights differ from the uninterrupted run's", opt, stopAfter)
			}
			if gotH != wantH {
				t.Errorf("%s, stopped after batch %d: history %s, want %s", opt, stopAfter, gotH, wantH)
			}
			if csv, err := os.ReadFile(hist); err != nil || strings.Count(string(csv), "\n") != 4 {
				t.Errorf("%s: history CSV after resuming: %v %q", opt, err, csv)
			}
		}
	}

	// Training on: a finished 2-epoch run resumed with --epochs 3 equals a
	// 3-epoch run.
	two := filepath.Join(dir, "two.safetensors")
	a := args(two)
	a[6] = "2" // --epochs
	if code, stdout, stderr := run(t, a...); code != 0 {
		t.Fatalf("2-epoch run: %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, stderr := run(t, "train", "--resume", two); code != ExitUsage || !strings.Contains(stderr, "has already trained 2 epochs; pass --epochs N with N > 2") {
		t.Errorf("resuming a finished run: exit %d, stderr %q", code, stderr)
	}
	if code, stdout, stderr := run(t, "train", "--resume", two, "--epochs", "3"); code != 0 {
		t.Fatalf("training on: %d\n%s\n%s", code, stdout, stderr)
	}
	full := filepath.Join(dir, "rmsprop-default.safetensors")
	if code, _, _ := run(t, args(full)...); code != 0 {
		t.Fatal("3-epoch run failed")
	}
	w3, h3 := modelState(t, full)
	w, h := modelState(t, two)
	if !closeTo(w, w3, 1e-6) || h != h3 {
		t.Errorf("2 epochs + 1 resumed differ from 3 epochs:\n%s\n%s", h, h3)
	}
}

func TestTrainResumeErrors(t *testing.T) {
	dir := t.TempDir()
	plain := tinyModel(t, dir, 1, "a", "b")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"train", "--resume", plain}, ExitError, "holds no training state"},
		{[]string{"train", "--resume", filepath.Join(dir, "none.safetensors")}, ExitError, "no such file"},
		{[]string{"train", "--resume", plain, "--arch", "testdata/tiny.json"}, ExitUsage, "--arch cannot be used with --resume"},
		// It said "open it with LoadGraph or LoadGraphFile": the engine's Go API.
		{[]string{"train", "--resume", graphModelFile(t)}, ExitError, "is a functional (graph) model: training, and so --resume, works on Sequential models"},
	}
	for _, tt := range tests {
		code, _, stderr := run(t, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d and %q", tt.args, code, stderr, tt.code, tt.want)
		}
	}
}

// closeTo reports whether a and b have the same length and differ by at
// most tol (relative to max(1, |b|)) everywhere.
func closeTo(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		d := float64(a[i] - b[i])
		if d < 0 {
			d = -d
		}
		if d > tol*max(1, float64(b[i]), -float64(b[i])) {
			return false
		}
	}
	return true
}
