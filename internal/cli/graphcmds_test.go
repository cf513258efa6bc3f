package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommandsOnGraphModel runs the per-image commands on a functional
// Keras model (a branch with Add, depthwise convolution and
// BatchNormalization): explain works through the graph engine, and the
// commands that still need a plain stack of layers say so in one line
// instead of crashing; the filter atlas and exemplars run on graphs too.
func TestCommandsOnGraphModel(t *testing.T) {
	const graph = "../keras/testdata/branch.h5"
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	img := writeImage(t, data, "in.png", 40, 30, 1)
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"explain ig", []string{"explain", "--model", graph, "--image", img, "--method", "ig", "--out", filepath.Join(dir, "ig.png")}, 0, "completeness"},
		{"explain gradcam", []string{"explain", "--model", graph, "--image", img, "--method", "gradcam", "--out", filepath.Join(dir, "cam.png")}, 0, "gradcam of class"},
		{"filters", []string{"filters", "--model", graph, "--layer", "conv_a", "--out", filepath.Join(dir, "f"), "--steps", "3"}, 0, "conv_a: "},
		{"filters fourier", []string{"filters", "--model", graph, "--layer", "conv_a", "--out", filepath.Join(dir, "f"), "--steps", "3", "--param", "fourier"}, 0, "conv_a: "},
		{"filters cache", []string{"filters", "--model", graph, "--layer", "conv_a", "--out", filepath.Join(dir, "f"), "--cache"}, 2, ".safetensors"},
		{"exemplars", []string{"exemplars", "--model", graph, "--data", data, "--layer", "add", "--out", filepath.Join(dir, "x")}, 0, "top 9 over 1 images"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(t, tc.args...)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.contains) {
				t.Errorf("exit code %d (want %d)\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
		})
	}
}
