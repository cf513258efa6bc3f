package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/convscope/convscope/nn"
)

// writeClasses writes n PNG images per class into dir/<class>/ and returns dir.
func writeClasses(t *testing.T, dir string, n int, classes ...string) string {
	t.Helper()
	for c, name := range classes {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			writeImage(t, filepath.Join(dir, name), name+string(rune('0'+i))+".png", 20+i, 18, 3*c+i)
		}
	}
	return dir
}

// tinyTrainArgs trains testdata/tiny.json for one short epoch.
func tinyTrainArgs(train, out string, extra ...string) []string {
	return append([]string{"train", "--train", train, "--arch", "testdata/tiny.json", "--epochs", "1",
		"--steps-per-epoch", "2", "--batch", "4", "--validation-steps", "1", "--out", out}, extra...)
}

func TestTrainOneEpochSavesLoadableModel(t *testing.T) {
	dir := t.TempDir()
	train := writeClasses(t, filepath.Join(dir, "train"), 6, "cats", "dogs")
	os.WriteFile(filepath.Join(train, "dogs", "broken.jpg"), []byte("not a jpeg"), 0o644)
	out := filepath.Join(dir, "model.safetensors")
	hist := filepath.Join(dir, "history.csv")
	code, stdout, stderr := run(t, tinyTrainArgs(train, out, "--validation-split", "0.25", "--history", hist, "--seed", "7")...)
	if code != 0 {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"Found 10 images belonging to 2 classes (cats: 5, dogs: 5)",
		"Skipped 1 unreadable file:\n  " + filepath.Join(train, "dogs", "broken.jpg") + ": ",
		"Epoch 1/1\n2/2 [==============================] - ",
		" - loss: ", " - acc: ", " - val_loss: ", " - val_acc: ",
		"Saved the model to " + out + " (history: " + hist + ")\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "\r") {
		t.Errorf("piped output has carriage returns: %q", stdout)
	}

	net, meta, err := nn.LoadFile(out)
	if err != nil {
		t.Fatalf("the saved model does not load: %v", err)
	}
	if strings.Join(meta.ClassNames, ",") != "cats,dogs" || meta.History == nil || meta.History.Len() != 1 {
		t.Errorf("metadata: classes %q, history %+v", meta.ClassNames, meta.History)
	}
	fresh, _ := buildArch("testdata/tiny.json")
	fresh.Init(7)
	if sameWeights(net, fresh) {
		t.Error("the saved weights are the initial ones: nothing was trained")
	}
	csv, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Fields(string(csv)) // one row per line, "\n" or "\r\n"
	if len(rows) != 2 || rows[0] != "epoch,accuracy,loss,val_accuracy,val_loss" || !strings.HasPrefix(rows[1], "0,") {
		t.Errorf("history CSV:\n%s", csv)
	}

	// The model is usable by the other commands.
	img := writeImage(t, dir, "x.png", 16, 16, 1)
	if code, out, stderr := run(t, "predict", "--model", out, img); code != 0 || !strings.HasPrefix(out, img+": ") {
		t.Errorf("predict with the trained model: exit code %d, %q %q", code, out, stderr)
	}
}

// sameWeights reports whether a and b hold identical parameters.
func sameWeights(a, b *nn.Sequential) bool {
	for i, p := range a.Params() {
		for j, v := range p.Value {
			if b.Params()[i].Value[j] != v {
				return false
			}
		}
	}
	return true
}

func TestTrainSeparateValidationFolder(t *testing.T) {
	dir := t.TempDir()
	train := writeClasses(t, filepath.Join(dir, "train"), 4, "a", "b")
	val := writeClasses(t, filepath.Join(dir, "val"), 2, "a", "b")
	out := filepath.Join(dir, "m.safetensors")
	code, stdout, stderr := run(t, tinyTrainArgs(train, out, "--val", val, "--optimizer", "adam", "--lr", "0.001")...)
	if code != 0 || !strings.Contains(stdout, "val_acc: ") || !strings.Contains(stdout, "Validation: Found 4 images") {
		t.Errorf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestTrainWithoutValidation(t *testing.T) {
	dir := t.TempDir()
	train := writeClasses(t, filepath.Join(dir, "train"), 3, "a", "b")
	out := filepath.Join(dir, "m.safetensors")
	code, stdout, stderr := run(t, tinyTrainArgs(train, out, "--optimizer", "sgd")...)
	if code != 0 || !strings.Contains(stdout, " - acc: ") || strings.Contains(stdout, "val_") {
		t.Errorf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestTrainBuiltin(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.safetensors")
	code, stdout, stderr := run(t, "train", "--train", "builtin", "--arch", "testdata/tiny.json", "--epochs", "1",
		"--steps-per-epoch", "1", "--batch", "2", "--validation-steps", "1", "--out", out)
	if code != 0 || !strings.Contains(stdout, "val_acc: ") {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if _, meta, err := nn.LoadFile(out); err != nil || len(meta.ClassNames) != 2 {
		t.Errorf("saved model: %v, classes %q", err, meta.ClassNames)
	}
}

// cancelOn is a writer that cancels a context when the text written so far
// contains a marker.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	marker string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.marker) {
		c.cancel()
	}
	return len(p), nil
}

func TestTrainInterruptedSavesModel(t *testing.T) {
	dir := t.TempDir()
	train := writeClasses(t, filepath.Join(dir, "train"), 3, "a", "b")
	out := filepath.Join(dir, "m.safetensors")
	hist := filepath.Join(dir, "h.csv")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Ctrl+C as epoch 2 begins: training stops before its first batch.
	w := &cancelOn{marker: "Epoch 2/3", cancel: cancel}
	var errOut bytes.Buffer
	args := tinyTrainArgs(train, out, "--epochs", "3", "--history", hist)
	code := Main(ctx, args, strings.NewReader(""), w, &errOut)
	if code != ExitInterrupted {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, ExitInterrupted, w.buf.String(), errOut.String())
	}
	want := "convscope train: stopping after the current batch…\n" +
		"convscope train: interrupted after epoch 1/3; saved the model to " + out + " (history: " + hist + "); continue with 'convscope train --resume " + out + "'\n"
	if errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
	_, meta, err := nn.LoadFile(out)
	if err != nil {
		t.Fatalf("the interrupted run's model does not load: %v", err)
	}
	if meta.History.Len() != 1 {
		t.Errorf("history has %d epochs, want 1", meta.History.Len())
	}
	if strings.Contains(w.buf.String(), "Saved the model") {
		t.Errorf("stdout claims a complete run:\n%s", w.buf.String())
	}
}

func TestTrainInterruptedBeforeFirstBatchSavesNothing(t *testing.T) {
	dir := t.TempDir()
	train := writeClasses(t, filepath.Join(dir, "train"), 2, "a", "b")
	out := filepath.Join(dir, "m.safetensors")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, _, stderr := runCtx(t, ctx, tinyTrainArgs(train, out)...)
	if code != ExitInterrupted || !strings.Contains(stderr, "interrupted before the first batch; nothing saved") {
		t.Errorf("exit code %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a model was saved although nothing was trained")
	}
}

func TestTrainUsageErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "m.safetensors")
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no train", []string{"--out", out}, "--train is required"},
		{"no out", []string{"--train", dir}, "--out is required"},
		{"val and split", []string{"--train", dir, "--out", out, "--val", dir, "--validation-split", "0.2"}, "cannot be used together"},
		{"builtin with val", []string{"--train", "builtin", "--out", out, "--val", dir}, "--train builtin draws its own validation images"},
		{"split too big", []string{"--train", dir, "--out", out, "--validation-split", "1"}, "--validation-split must be between 0 and 1, received 1"},
		{"split zero", []string{"--train", dir, "--out", out, "--validation-split", "0"}, "--validation-split must be between 0 and 1"},
		{"epochs", []string{"--train", dir, "--out", out, "--epochs", "0"}, "--epochs must be at least 1, received 0"},
		{"steps", []string{"--train", dir, "--out", out, "--steps-per-epoch", "-3"}, "--steps-per-epoch must be at least 1"},
		{"batch", []string{"--train", dir, "--out", out, "--batch", "0"}, "--batch must be at least 1"},
		{"validation steps", []string{"--train", dir, "--out", out, "--validation-steps", "0"}, "--validation-steps must be at least 1"},
		{"lr", []string{"--train", dir, "--out", out, "--lr", "0"}, "--lr must be positive and finite, received 0"},
		// +Inf parsed and trained to NaN weights.
		{"lr inf", []string{"--train", dir, "--out", out, "--lr", "Inf"}, "--lr must be positive and finite, received +Inf"},
		{"lr nan", []string{"--train", dir, "--out", out, "--lr", "NaN"}, "--lr must be positive and finite, received NaN"},
		{"optimizer", []string{"--train", dir, "--out", out, "--optimizer", "adagrad"}, `--optimizer must be rmsprop, adam or sgd, received "adagrad"`},
		{"not a number", []string{"--train", dir, "--out", out, "--epochs", "ten"}, `invalid value "ten" for flag --epochs`},
		{"unknown flag", []string{"--train", dir, "--out", out, "--momentum", "0.9"}, "flag provided but not defined: --momentum"},
		{"positional", []string{"--train", dir, "--out", out, "extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, append([]string{"train"}, tt.args...)...)
			if code != ExitUsage || !strings.Contains(stderr, tt.stderr) || !strings.Contains(stderr, "Usage: convscope train") {
				t.Errorf("exit code %d, stderr %q; want 2 and %q with the usage", code, stderr, tt.stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
		})
	}
}

func TestTrainRuntimeErrors(t *testing.T) {
	dir := t.TempDir()
	oneClass := filepath.Join(dir, "one")
	writeClasses(t, oneClass, 2, "only")
	three := writeClasses(t, filepath.Join(dir, "three"), 2, "a", "b", "c")
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(filepath.Join(empty, "a"), 0o755)
	os.MkdirAll(filepath.Join(empty, "b"), 0o755)
	good := writeClasses(t, filepath.Join(dir, "good"), 2, "a", "b")
	out := filepath.Join(dir, "m.safetensors")
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"missing folder", tinyTrainArgs(filepath.Join(dir, "nope"), out), "cannot read folder " + filepath.Join(dir, "nope")},
		{"one class", tinyTrainArgs(oneClass, out), "has only one class subfolder (only)"},
		{"three classes for a sigmoid", tinyTrainArgs(three, out), "needs exactly 2 class subfolders"},
		{"no images", tinyTrainArgs(empty, out), "no usable images"},
		{"out folder missing", tinyTrainArgs(good, filepath.Join(dir, "no", "m.safetensors")), "folder " + filepath.Join(dir, "no") + " does not exist"},
		{"out is a folder", tinyTrainArgs(good, dir), dir + " is a folder"},
		{"bad arch", []string{"train", "--train", good, "--arch", filepath.Join(dir, "nope.json"), "--out", out}, "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != ExitError || !strings.Contains(stderr, tt.stderr) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit code %d, stderr %q; want 1 and one line with %q", code, stderr, tt.stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a model was saved")
			}
		})
	}
}

func TestTrainCategorical(t *testing.T) {
	dir := t.TempDir()
	three := writeClasses(t, filepath.Join(dir, "three"), 3, "a", "b", "c")
	two := writeClasses(t, filepath.Join(dir, "two"), 3, "a", "b")
	out := filepath.Join(dir, "m.safetensors")
	args := func(train string) []string {
		return []string{"train", "--train", train, "--arch", "testdata/tiny3.json", "--epochs", "1",
			"--steps-per-epoch", "2", "--batch", "3", "--validation-split", "0.34", "--validation-steps", "1", "--out", out}
	}
	code, stdout, stderr := run(t, args(three)...)
	if code != 0 || !strings.Contains(stdout, "val_acc: ") {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if _, meta, err := nn.LoadFile(out); err != nil || strings.Join(meta.ClassNames, ",") != "a,b,c" {
		t.Errorf("saved model: %v, classes %q", err, meta.ClassNames)
	}
	os.Remove(out)
	code, _, stderr = run(t, args(two)...)
	if code != 1 || !strings.Contains(stderr, "has 2 classes (a, b) but the model has 3 outputs") {
		t.Errorf("two classes for three outputs: exit code %d, stderr %q", code, stderr)
	}
}
