package cli

import (
	"bytes"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/internal/npy"
	"github.com/convscope/convscope/internal/render"
	"github.com/convscope/convscope/internal/testutil"
	"github.com/convscope/convscope/nn"
)

// engineActivations runs the image through the saved model with the
// engine directly: what the exported files must hold.
func engineActivations(t *testing.T, modelPath, imagePath string) []*nn.Tensor {
	t.Helper()
	m, err := model.Open(modelPath)
	if err != nil {
		t.Fatal(err)
	}
	img, err := dataset.LoadImageFile(imagePath, 0)
	if err != nil {
		t.Fatal(err)
	}
	x := nn.NewTensor(append([]int{1}, m.Net.InputShape()...)...)
	if _, err := dataset.Preprocess(x.Data, img, m.Prep()); err != nil {
		t.Fatal(err)
	}
	return m.Net.Activations(x)
}

func TestActivationsWritesEngineValues(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 3, "a", "b")
	img := writeImage(t, dir, "in.png", 40, 30, 1)
	out := filepath.Join(dir, "out", "nested")
	code, stdout, stderr := run(t, "activations", "--model", model, "--image", img, "--out", out)
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr)
	}
	acts := engineActivations(t, model, img)
	want := map[int]string{0: "conv2d_1", 1: "max_pooling2d_1", 2: "conv2d_2", 3: "max_pooling2d_2"}
	files, _ := os.ReadDir(out)
	if len(files) != 2*len(want) {
		t.Errorf("wrote %d files, want %d (one PNG and one .npy per conv/pool layer)", len(files), 2*len(want))
	}
	for i, name := range want {
		if !strings.Contains(stdout, name) {
			t.Errorf("stdout does not list %s: %q", name, stdout)
		}
		shape, data, err := npy.ReadFile(filepath.Join(out, name+".npy"))
		if err != nil {
			t.Fatalf("%s.npy: %v", name, err)
		}
		if shapeString(shape) != shapeString(acts[i].Shape) || len(shape) != 4 || shape[0] != 1 {
			t.Errorf("%s.npy: shape %v, want %v (1, H, W, C)", name, shape, acts[i].Shape)
		}
		for j, v := range acts[i].Data {
			if data[j] != v {
				t.Fatalf("%s.npy[%d] = %v, engine says %v", name, j, data[j], v)
			}
		}
		got := testutil.ReadPNG(t, filepath.Join(out, name+".png"))
		sheet := render.DefaultView().Render(nil, acts[i].Data, acts[i].Shape[1], acts[i].Shape[2], acts[i].Shape[3]).Image
		if !samePixels(got, sheet) {
			t.Errorf("%s.png differs from the app's rendering of the layer", name)
		}
	}
}

// samePixels reports whether a and b have the same size and RGBA pixels.
func samePixels(a image.Image, b *image.RGBA) bool {
	if a.Bounds().Size() != b.Bounds().Size() {
		return false
	}
	for y := 0; y < b.Bounds().Dy(); y++ {
		for x := 0; x < b.Bounds().Dx(); x++ {
			r1, g1, b1, a1 := a.At(a.Bounds().Min.X+x, a.Bounds().Min.Y+y).RGBA()
			r2, g2, b2, a2 := b.At(b.Bounds().Min.X+x, b.Bounds().Min.Y+y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				return false
			}
		}
	}
	return true
}

func TestActivationsOptions(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 1)
	img := writeImage(t, dir, "in.png", 16, 16, 0)
	tests := []struct {
		name  string
		args  []string
		files []string
	}{
		{"npy only", []string{"--format", "npy", "--layers", "conv2d_2"}, []string{"conv2d_2.npy"}},
		{"png only, two layers in model order", []string{"--format=png", "--layers", "max_pooling2d_1,conv2d_1"}, []string{"conv2d_1.png", "max_pooling2d_1.png"}},
		{"dense layer as npy", []string{"--format", "npy", "--layers", "dense_1"}, []string{"dense_1.npy"}},
		{"magma, minmax, own size", []string{"--colormap", "magma", "--scale", "minmax", "--tile", "0", "--layers", "conv2d_1"}, []string{"conv2d_1.npy", "conv2d_1.png"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "acts")
			args := append([]string{"activations", "--model", model, "--image", img, "--out", out}, tt.args...)
			if code, _, stderr := run(t, args...); code != 0 {
				t.Fatalf("exit code %d: %s", code, stderr)
			}
			var got []string
			entries, _ := os.ReadDir(out)
			for _, e := range entries {
				got = append(got, e.Name())
			}
			if strings.Join(got, " ") != strings.Join(tt.files, " ") {
				t.Errorf("files %q, want %q", got, tt.files)
			}
		})
	}
}

func TestActivationsPNGFollowsViewFlags(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 1)
	img := writeImage(t, dir, "in.png", 16, 16, 0)
	read := func(args ...string) []byte {
		out := filepath.Join(t.TempDir(), "acts")
		base := []string{"activations", "--model", model, "--image", img, "--out", out, "--format", "png", "--layers", "conv2d_1"}
		if code, _, stderr := run(t, append(base, args...)...); code != 0 {
			t.Fatalf("exit code %d: %s", code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(out, "conv2d_1.png"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	def := read()
	if bytes.Equal(def, read("--colormap", "gray")) {
		t.Error("--colormap gray gives the same PNG as viridis")
	}
	if bytes.Equal(def, read("--scale", "layer")) {
		t.Error("--scale layer gives the same PNG as standardize")
	}
	if !bytes.Equal(def, read("--colormap", "viridis", "--scale", "standardize")) {
		t.Error("explicit defaults give a different PNG")
	}
}

func TestActivationsErrors(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 1)
	img := writeImage(t, dir, "in.png", 16, 16, 0)
	bad := filepath.Join(dir, "bad.jpg")
	os.WriteFile(bad, []byte("not an image"), 0o644)
	out := filepath.Join(dir, "out")
	ok := []string{"--model", model, "--image", img, "--out", out}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no image", []string{"--model", model, "--out", out}, 2, "--image is required"},
		{"no out", []string{"--model", model, "--image", img}, 2, "--out is required"},
		{"bad format", append(ok, "--format", "jpg"), 2, `--format must be png, npy or both, received "jpg"`},
		{"bad colormap", append(ok, "--colormap", "jet"), 2, `unknown colormap "jet"`},
		{"bad scale", append(ok, "--scale", "log"), 2, `unknown mode "log"`},
		{"bad tile", append(ok, "--tile", "-1"), 2, "--tile must be 0..4096, received -1"},
		// A huge --tile ran out of memory (a Go runtime crash) drawing the sheet.
		{"huge tile", append(ok, "--tile", "100000"), 2, "--tile must be 0..4096, received 100000"},
		// conv2d_2 (5×5×6) at 4096 pixels a tile is 24584×4112 pixels: refused
		// before conv2d_1's files are written.
		{"sheet too large", append(ok, "--tile", "4096"), 1, "--tile 4096 makes the sheet of conv2d_2 24584×4112 pixels (101 megapixels), more than the 100-megapixel limit"},
		{"positional", append(ok, "extra"), 2, `unexpected argument "extra"`},
		{"unknown layer", append(ok, "--layers", "conv9"), 1, `the model has no layer "conv9" (conv and pooling layers: conv2d_1, max_pooling2d_1, conv2d_2, max_pooling2d_2)`},
		{"dense as png", append(ok, "--layers", "dense_1"), 1, "layer dense_1 (Dense) has no channel maps to draw, its output is (1, 8)"},
		{"unreadable image", []string{"--model", model, "--image", bad, "--out", out}, 1, bad},
		{"missing image", []string{"--model", model, "--image", filepath.Join(dir, "nope.png"), "--out", out}, 1, "no such file"},
		{"out is a file", []string{"--model", model, "--image", img, "--out", img}, 1, "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, append([]string{"activations"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit code %d, stderr %q; want %d and %q", code, stderr, tt.code, tt.stderr)
			}
			if tt.code == 1 && strings.Count(stderr, "\n") != 1 {
				t.Errorf("runtime error is not one line: %q", stderr)
			}
		})
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed run created the output folder")
	}
}
