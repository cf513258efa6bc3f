package cli

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/transfer"
	"github.com/convscope/convscope/nn"
)

func TestTrainBaseSavesWholeModel(t *testing.T) {
	dir := t.TempDir()
	base := tinyModel(t, dir, 3, "old0", "old1")
	train := writeClasses(t, filepath.Join(dir, "train"), 4, "ants", "bees", "wasps")
	val := writeClasses(t, filepath.Join(dir, "val"), 2, "ants", "bees", "wasps")
	out := filepath.Join(dir, "new.safetensors")
	code, stdout, stderr := run(t, "train", "--base", base, "--train", train, "--val", val, "--head", "flatten", "--dense", "8", "--dropout", "0.2",
		"--epochs", "2", "--batch", "4", "--fine-tune-layers", "2", "--fine-tune-epochs", "1", "--out", out)
	if code != 0 {
		t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"cut after max_pooling2d_2 [2 2 6]", "classes ants, bees, wasps (12 training images)",
		"Computing the base's features once (18 images)…\nFeatures computed in ", "Epoch 2/2\n3/3 [", " - val_acc: ",
		"Fine-tuning the top 2 layers", "Epoch 3/3\n", "Saved the model to " + out,
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	g, meta, err := nn.LoadGraphFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(meta.ClassNames, []string{"ants", "bees", "wasps"}) || meta.History.Len() != 3 {
		t.Errorf("metadata: classes %v, %d epochs of history", meta.ClassNames, meta.History.Len())
	}
	if c := meta.Card; c == nil || !strings.Contains(c.Data, "features from the base "+base+" cut after max_pooling2d_2") || c.TrainImages != 12 || c.ValidationImages != 6 || c.Epochs != 3 {
		t.Errorf("model card %+v", meta.Card)
	}
	o, ok := transfer.ReadOrigin(meta)
	if !ok || o.Base != base || o.CutAfter != "max_pooling2d_2" || o.FineTunedLayers != 2 || o.Dense != 8 {
		t.Errorf("origin %+v (%v)", o, ok)
	}
	if info, ok := g.Node("conv2d_1"); !ok || info.Kind != "Conv2D" {
		t.Error("the saved graph lacks the base's conv2d_1")
	}
	if s := g.OutputShape(); !slices.Equal(s, []int{3}) {
		t.Errorf("output shape %v, expected (3)", s)
	}
}

func TestTrainBaseAugmentAndErrors(t *testing.T) {
	dir := t.TempDir()
	base := tinyModel(t, dir, 3)
	train := writeClasses(t, filepath.Join(dir, "train"), 3, "a", "b")
	out := filepath.Join(dir, "m.safetensors")
	code, stdout, stderr := run(t, "train", "--base", base, "--train", train, "--augment", "--epochs", "1", "--batch", "3", "--out", out)
	if code != 0 || strings.Contains(stdout, "Computing the base's features") {
		t.Fatalf("exit code %d (augmented: no cache expected)\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--cut-after", "nope"}, 1, `"nope" is not a layer of the base`},
		{[]string{"--head", "max"}, 2, "--head must be gap or flatten"},
		{[]string{"--dropout", "1"}, 2, "--dropout must be in [0, 1)"},
		{[]string{"--fine-tune-layers", "99"}, 1, "--fine-tune-layers: expected at most the 4 layers"},
	} {
		args := append([]string{"train", "--base", base, "--train", train, "--epochs", "1", "--out", out}, tc.args...)
		code, _, stderr := run(t, args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 && tc.code == 1 {
			t.Errorf("%v: exit %d, stderr %q; expected exit %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
	if code, _, stderr := run(t, "train", "--base", filepath.Join(dir, "none.onnx"), "--train", train, "--out", out); code != 1 || stderr == "" {
		t.Errorf("a missing base: exit %d, stderr %q", code, stderr)
	}
}
