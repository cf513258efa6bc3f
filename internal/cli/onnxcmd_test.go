package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/npy"
	"github.com/convscope/convscope/internal/onnx"
	"github.com/convscope/convscope/nn"
)

const onnxFixture = "../onnx/testdata/parity/squeezenet_bn.onnx"

func TestExportThenPredictONNX(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 5, "cats", "dogs")
	out := filepath.Join(dir, "tiny.onnx")
	code, stdout, stderr := run(t, "export", "--model", model, "--out", out)
	if code != 0 || !strings.Contains(stdout, "wrote "+out+" (opset 13") {
		t.Fatalf("export: exit %d, %q %q", code, stdout, stderr)
	}
	img := writeImage(t, dir, "a.png", 23, 19, 1)
	_, want, _ := run(t, "predict", "--json", "--model", model, img)
	code, got, stderr := run(t, "predict", "--json", "--model", out, img)
	if code != 0 || got != want {
		t.Errorf("predict with the exported ONNX: exit %d, stderr %q\n got %s\nwant %s", code, stderr, got, want)
	}
}

// TestExportGraphSafetensors: a graph saved as .safetensors exports, and
// the ONNX file predicts as the graph does.
func TestExportGraphSafetensors(t *testing.T) {
	dir := t.TempDir()
	g, meta, err := onnx.Load(onnxFixture, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st := filepath.Join(dir, "squeeze.safetensors")
	if err := nn.SaveGraphFile(st, g, meta); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "squeeze.onnx")
	if code, _, stderr := run(t, "export", "--model", st, "--out", out); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	img := writeImage(t, dir, "a.png", 40, 50, 4)
	_, want, _ := run(t, "predict", "--json", "--model", onnxFixture, img)
	code, got, stderr := run(t, "predict", "--json", "--model", out, img)
	if code != 0 || got != want {
		t.Errorf("exit %d %s\n got %s\nwant %s", code, stderr, got, want)
	}
}

func TestPredictONNXLogits(t *testing.T) {
	dir := t.TempDir()
	img := writeImage(t, dir, "a.png", 30, 30, 2)
	code, stdout, stderr := run(t, "predict", "--json", "--preprocess", "imagenet", "--model", "../onnx/testdata/parity/resnet_folded.onnx", img)
	if code != 0 || !strings.Contains(stderr, "probabilities are their softmax") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	var got []prediction
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for name, p := range got[0].Probabilities {
		if p < 0 || p > 1 {
			t.Errorf("probability of %s = %v", name, p)
		}
		sum += float64(p)
	}
	if len(got[0].Probabilities) != 10 || math.Abs(sum-1) > 1e-4 || got[0].Class == "" {
		t.Errorf("probabilities %v (sum %v)", got[0].Probabilities, sum)
	}
}

func TestSummaryONNX(t *testing.T) {
	code, stdout, _ := run(t, "summary", "--model", onnxFixture)
	for _, want := range []string{"Connected to", "/features/features.0/Conv (Conv", "input[0][0]", "Total params:"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("exit %d, summary lacks %q:\n%s", code, want, stdout)
		}
	}
}

func TestActivationsONNXAll(t *testing.T) {
	dir := t.TempDir()
	img := writeImage(t, dir, "a.png", 48, 48, 3)
	out := filepath.Join(dir, "acts")
	code, _, stderr := run(t, "activations", "--model", onnxFixture, "--image", img, "--out", out, "--layers", "all", "--format", "npy")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	g, meta, err := onnx.Load(onnxFixture, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.npy"))
	if len(files) != len(g.Nodes()) {
		t.Errorf("%d .npy files for %d nodes", len(files), len(g.Nodes()))
	}
	for _, f := range files {
		if strings.ContainsAny(filepath.Base(f), "/\\: ") || strings.HasPrefix(filepath.Base(f), ".") {
			t.Errorf("unsafe file name %q", f)
		}
	}
	// The last node's file holds the model's output for the image.
	x := nn.NewTensor(1, 48, 48, 3)
	m := &onnxModel{g, meta}
	if err := m.input(x.Data, img); err != nil {
		t.Fatal(err)
	}
	want := g.Predict(x)
	last := g.OutputNames()[0]
	shape, data, err := npy.ReadFile(filepath.Join(out, uniqueFileName(last, map[string]bool{})+".npy"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(shape, want.Shape) || !slices.Equal(data, want.Data) {
		t.Errorf("%s.npy: shape %v, want %v", last, shape, want.Shape)
	}
}

func TestONNXFlagErrors(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 1)
	img := writeImage(t, dir, "a.png", 8, 8, 0)
	bad := filepath.Join(dir, "bad.onnx")
	os.WriteFile(bad, []byte("not a model at all"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"predict", "--model", model, "--preprocess", "imagenet", img}, ExitUsage, "--preprocess applies to .onnx models"},
		{[]string{"predict", "--model", onnxFixture, "--preprocess", "bgr", img}, ExitError, "expected tutorial, imagenet, raw"},
		{[]string{"summary", "--model", bad}, ExitError, "onnx: truncated or corrupt file"},
		{[]string{"export", "--model", model}, ExitUsage, "--out is required"},
	} {
		code, _, stderr := run(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

func TestUniqueFileName(t *testing.T) {
	used := map[string]bool{}
	for _, tc := range []struct{ in, want string }{
		{"/features/0/Conv", "_features_0_Conv"},
		{"..", "node"},
		{"../../etc/passwd", "_.._etc_passwd"},
		{"_features_0_Conv", "_features_0_Conv_2"},
		{"a b:c", "a_b_c"},
	} {
		if got := uniqueFileName(tc.in, used); got != tc.want {
			t.Errorf("uniqueFileName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
