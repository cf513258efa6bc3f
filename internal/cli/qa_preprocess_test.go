package cli

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/internal/onnx"
	"github.com/convscope/convscope/nn"
)

// logitsOf runs the image through the model as predict and the app do
// (model.Prepare: rescale, then the model's mean and std).
func logitsOf(t *testing.T, path, preset, img string) []float32 {
	t.Helper()
	m, err := model.OpenWith(path, preset)
	if err != nil {
		t.Fatal(err)
	}
	pic, err := dataset.LoadPhotoFile(img, dataset.DefaultMaxPixels)
	if err != nil {
		t.Fatal(err)
	}
	in, err := m.Prepare("a", img, pic)
	if err != nil {
		t.Fatal(err)
	}
	_, out := m.Forward(in.Tensor)
	return out
}

// TestExplainNormalizesLikePredict: explain fed a model that records a
// mean and std (an ImageNet ONNX model saved as .safetensors) pixels that
// were rescaled but not normalised, so it explained another prediction
// than predict's (class 600 against 603 for a SqueezeNet); and it had no
// --preprocess, so an .onnx file was always explained on 0–1 pixels.
// Its score is now the logit predict computes, both ways.
func TestExplainNormalizesLikePredict(t *testing.T) {
	dir, st, img := imagenetFixture(t)
	p := logitsOf(t, onnxFixture, "imagenet", img) // the fixture ends in a softmax: probabilities
	// The score is the class's logit z; softmax fixes z only up to a
	// constant, so compare differences: z_a - z_b = log(p_a / p_b).
	a, b := 0, 1
	for i := range p {
		if p[i] > p[a] {
			a = i
		}
		if p[i] < p[b] {
			b = i
		}
	}
	want := math.Log(float64(p[a]) / float64(p[b]))
	for _, c := range []struct{ model, preset string }{{st, ""}, {onnxFixture, "imagenet"}} {
		score := func(class int) float64 {
			args := []string{"explain", "--json", "--method", "saliency", "--model", c.model, "--image", img, "--out", filepath.Join(dir, "o.png"), "--class", strconv.Itoa(class)}
			if c.preset != "" {
				args = append(args, "--preprocess", c.preset)
			}
			code, stdout, stderr := run(t, args...)
			if code != ExitOK {
				t.Fatalf("%s: exit %d: %s", filepath.Base(c.model), code, stderr)
			}
			var rep explainReport
			if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
				t.Fatal(err)
			}
			return rep.Score
		}
		// Unnormalised pixels put it 2.5e-4 off; float32 noise is under 1e-6.
		if got := score(a) - score(b); math.Abs(got-want) > 2e-5 {
			t.Errorf("%s %s: z_%d - z_%d = %.6g, predict's log(p_%d / p_%d) = %.6g", filepath.Base(c.model), c.preset, a, b, got, a, b, want)
		}
	}
}

// TestPreprocessFlagEverywhere: filters and exemplars take --preprocess
// for an .onnx model as predict does, and refuse it for a model that
// records its own.
func TestPreprocessFlagEverywhere(t *testing.T) {
	dir := t.TempDir()
	tiny := tinyModel(t, dir, 1, "a", "b")
	img := writeImage(t, dir, "in.png", 20, 20, 2) // also --data's one image
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"filters", "--model", onnxFixture, "--preprocess", "imagenet", "--layer", firstConv(t), "--channels", "0", "--steps", "1", "--out", filepath.Join(dir, "f")}, ExitOK, "1 channels"},
		{[]string{"exemplars", "--model", onnxFixture, "--preprocess", "imagenet", "--layer", firstConv(t), "--data", dir, "--top", "1", "--out", filepath.Join(dir, "x")}, ExitOK, "top 1 over"},
		{[]string{"filters", "--model", tiny, "--preprocess", "imagenet", "--layer", "conv2d_1", "--out", filepath.Join(dir, "f2")}, ExitUsage, "--preprocess applies to .onnx models"},
		{[]string{"exemplars", "--model", tiny, "--preprocess", "raw", "--layer", "conv2d_1", "--data", dir, "--out", filepath.Join(dir, "x2")}, ExitUsage, "--preprocess applies to .onnx models"},
		{[]string{"explain", "--model", tiny, "--preprocess", "raw", "--method", "saliency", "--image", img, "--out", filepath.Join(dir, "e.png")}, ExitUsage, "--preprocess applies to .onnx models"},
	} {
		code, stdout, stderr := run(t, c.args...)
		if code != c.code || !strings.Contains(stdout+stderr, c.want) {
			t.Errorf("%v: exit %d, %q %q; expected %d and %q", c.args[:5], code, stdout, stderr, c.code, c.want)
		}
	}
}

// firstConv is the ONNX fixture's first convolution.
func firstConv(t *testing.T) string {
	t.Helper()
	g, _, err := onnx.Load(onnxFixture, onnx.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range g.Nodes() {
		if n.Kind == "Conv2D" {
			return n.Name
		}
	}
	t.Fatal("no Conv2D in the fixture")
	return ""
}

// TestExportKeepsPreprocessing: a model with ImageNet preprocessing,
// exported and predicted from without --preprocess, gave other outputs
// (the file's recorded mean and std were not read back); and export
// refused .h5 and builtin:NAME models, reading them as safetensors.
func TestExportKeepsPreprocessing(t *testing.T) {
	dir, st, img := imagenetFixture(t)
	out := filepath.Join(dir, "squeeze.onnx")
	if code, _, stderr := run(t, "export", "--model", st, "--out", out); code != ExitOK {
		t.Fatalf("export: %s", stderr)
	}
	_, want, _ := run(t, "predict", "--json", "--model", st, img)
	code, got, stderr := run(t, "predict", "--json", "--model", out, img)
	if code != ExitOK || strings.ReplaceAll(got, out, st) != want {
		t.Errorf("exit %d %s\n got %s\nwant %s", code, stderr, got, want)
	}
	for _, m := range []string{"builtin:fashion", "builtin:shapes"} { // a Keras .h5 takes the same path
		if code, stdout, stderr := run(t, "export", "--model", m, "--out", filepath.Join(dir, "x.onnx")); code != ExitOK || !strings.HasPrefix(stdout, "wrote ") {
			t.Errorf("export --model %s: exit %d, %q %q", m, code, stdout, stderr)
		}
	}
}

// imagenetFixture saves the ONNX fixture with ImageNet's preprocessing as
// DIR/squeeze.safetensors (a model that records a mean and std) and writes
// an image beside it.
func imagenetFixture(t *testing.T) (dir, model, img string) {
	t.Helper()
	dir = t.TempDir()
	g, meta, err := onnx.Load(onnxFixture, onnx.Options{Preprocess: "imagenet"})
	if err != nil {
		t.Fatal(err)
	}
	model = filepath.Join(dir, "squeeze.safetensors")
	if err := nn.SaveGraphFile(model, g, meta); err != nil {
		t.Fatal(err)
	}
	return dir, model, writeImage(t, dir, "a.png", 40, 50, 4)
}
