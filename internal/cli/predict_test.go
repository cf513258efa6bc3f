package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/model"
)

func TestPredictMatchesEngine(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 5, "cats", "dogs")
	var imgs []string
	for i := 0; i < 3; i++ {
		imgs = append(imgs, writeImage(t, dir, []string{"a.png", "b.png", "c.png"}[i], 20+i*7, 16+i*3, i))
	}
	code, stdout, stderr := run(t, append([]string{"predict", "--json", "--model", model}, imgs...)...)
	if code != 0 || stderr != "" {
		t.Fatalf("exit code %d, stderr %q", code, stderr)
	}
	var got []struct {
		Image         string
		Class         string
		Index         int
		Probability   float64
		Probabilities map[string]float64
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v in %s", err, stdout)
	}
	if len(got) != len(imgs) {
		t.Fatalf("%d results for %d images", len(got), len(imgs))
	}
	for i, img := range imgs {
		p := float64(engineActivations(t, model, img)[6].Data[0]) // dense_2, sigmoid
		wantClass, wantProb := "dogs", p
		if p <= 0.5 {
			wantClass, wantProb = "cats", 1-p
		}
		r := got[i]
		if r.Image != img || r.Class != wantClass || math.Abs(r.Probability-wantProb) > 1e-6 ||
			math.Abs(r.Probabilities["dogs"]-p) > 1e-6 || math.Abs(r.Probabilities["cats"]-(1-p)) > 1e-6 {
			t.Errorf("result %d = %+v; want %s, class %s with %.6f (p(dogs) = %.6f)", i, r, img, wantClass, wantProb, p)
		}
	}

	// The text form says the same, one line per image.
	code, text, _ := run(t, append([]string{"predict", "--model", model}, imgs...)...)
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if code != 0 || len(lines) != len(imgs) {
		t.Fatalf("exit code %d, output %q", code, text)
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, imgs[i]+": "+got[i].Class+" 0.") {
			t.Errorf("line %q does not match %+v", l, got[i])
		}
	}
}

func TestInterpret(t *testing.T) {
	m := &model.Model{Classes: []string{"a", "b", "c"}}
	tests := []struct {
		name  string
		out   []float32
		class string
		prob  float32
	}{
		{"sigmoid high", []float32{0.8}, "b", 0.8},
		{"sigmoid low", []float32{0.25}, "a", 0.75},
		{"sigmoid tie is class 0", []float32{0.5}, "a", 0.5},
		{"softmax", []float32{0.1, 0.7, 0.2}, "b", 0.7},
		{"unnormalised", []float32{1, 1, 2}, "c", 0.5},
		{"all zero", []float32{0, 0, 0}, "a", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r prediction
			interpret(&r, m, tt.out)
			if r.Class != tt.class || math.Abs(float64(r.Probability-tt.prob)) > 1e-6 {
				t.Errorf("got %s %.4f, want %s %.4f", r.Class, r.Probability, tt.class, tt.prob)
			}
		})
	}
}

func TestPredictUnnamedClasses(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 5)
	img := writeImage(t, dir, "a.png", 16, 16, 0)
	code, out, stderr := run(t, "predict", "--model", model, img)
	if code != 0 || !strings.HasPrefix(out, img+": class ") {
		t.Errorf("exit code %d, stdout %q, stderr %q; want %q", code, out, stderr, img+": class 0|1 …")
	}
}

func TestPredictErrors(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 5, "cats", "dogs")
	good := writeImage(t, dir, "good.png", 16, 16, 0)
	bad := filepath.Join(dir, "bad.png")
	os.WriteFile(bad, []byte("\x89PNG but truncated"), 0o644)
	empty := filepath.Join(dir, "empty.jpg")
	os.WriteFile(empty, nil, 0o644)

	code, out, stderr := run(t, "predict", "--model", model, bad, good, empty)
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	if !strings.HasPrefix(out, good+": ") || strings.Count(out, "\n") != 1 {
		t.Errorf("stdout %q, want one line for %s", out, good)
	}
	for _, want := range []string{"convscope predict: " + bad + ": ", "convscope predict: " + empty + ": ", "2 of 3 images could not be read"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr %q lacks %q", stderr, want)
		}
	}

	code, out, _ = run(t, "predict", "--json", "--model", model, bad, good)
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 1 || len(got) != 2 {
		t.Fatalf("exit code %d, JSON %q (%v)", code, out, err)
	}
	if got[0]["image"] != bad || got[0]["error"] == nil || got[0]["class"] != nil || got[1]["class"] == nil {
		t.Errorf("JSON %v: want an error entry for the bad image, then a result", got)
	}

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no images", []string{"--model", model}, 2, "no image given"},
		{"bad flag", []string{"--top", "3", good}, 2, "flag provided but not defined: --top"},
		{"missing model", []string{"--model", filepath.Join(dir, "nope.safetensors"), good}, 1, "no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, append([]string{"predict"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit code %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.stderr)
			}
		})
	}
}
