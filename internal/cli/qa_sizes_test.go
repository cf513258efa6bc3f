package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAbsurdSizesAreOneErrorLine checks that sizes no machine can hold (a
// batch of 100 million images, a Dense head of a billion units, an
// architecture with a billion filters or a huge kernel) end in one error
// line saying the limit and the number, not in the Go runtime's "out of
// memory" abort.
func TestAbsurdSizesAreOneErrorLine(t *testing.T) {
	dir := t.TempDir()
	good := writeClasses(t, filepath.Join(dir, "good"), 2, "a", "b")
	out := filepath.Join(dir, "m.safetensors")
	img := writeImage(t, dir, "x.png", 20, 20, 1)
	arch := func(name, layer string) string {
		path := filepath.Join(dir, name+".json")
		data := `{"input_shape": [16, 16, 3], "layers": [` + layer + `, {"class_name": "Flatten"}, {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}}]}`
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	filters := arch("filters", `{"class_name": "Conv2D", "config": {"filters": 1000000000, "kernel_size": 3}}`)
	kernel := arch("kernel", `{"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": 1000000000, "padding": "same"}}`)
	units := arch("units", `{"class_name": "Flatten"}, {"class_name": "Dense", "config": {"units": 1000000000}}`)
	wide := arch("wide", `{"class_name": "Conv2D", "config": {"filters": 10000000, "kernel_size": 1}}`)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"batch, folder", tinyTrainArgs(good, out, "--batch", "100000000"), "expected at most"},
		{"batch, builtin", []string{"train", "--train", "builtin", "--batch", "100000000", "--out", out}, "received 100000000"},
		{"validation steps, builtin", []string{"train", "--train", "builtin", "--validation-steps", "1000000000", "--out", out}, "expected at most 1048576 generated validation images, received 1000000000 × 20"},
		{"validation steps overflow", []string{"train", "--train", "builtin", "--validation-steps", "9223372036854775807", "--out", out}, "expected at most 1048576 generated validation images"},
		{"ig steps", []string{"explain", "--image", img, "--method", "ig", "--steps", "1000000000", "--out", out}, "expected at most 1000 each, received 1000000000 and 25"},
		{"smoothgrad samples", []string{"explain", "--image", img, "--method", "smoothgrad", "--samples", "1000000000", "--out", out}, "expected at most 1000 each, received 32 and 1000000000"},
		{"filters, summary", []string{"summary", "--arch", filters}, "expected at most 268435456 parameters, received 28000000000"},
		{"filters, train", tinyTrainArgs(good, out, "--arch", filters), "expected at most 268435456 parameters"},
		{"kernel", []string{"summary", "--arch", kernel}, "expected at most 268435456 parameters"},
		{"units", []string{"summary", "--arch", units}, "expected at most 268435456 parameters, received 769000000000"},
		{"outputs", []string{"summary", "--arch", wide}, "expected the outputs kept for one sample to hold at most"},
		{"dense head", []string{"train", "--base", "builtin", "--dense", "1000000000", "--train", good, "--epochs", "1", "--out", out}, "expected at most 268435456 parameters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			first, rest, _ := strings.Cut(stderr, "\n")
			if code == ExitUsage { // the usage follows the error line
				rest = ""
			}
			if (code != ExitError && code != ExitUsage) || !strings.Contains(first, tt.stderr) || rest != "" {
				t.Errorf("exit code %d, stderr %q; want 1 or 2 and one line with %q", code, stderr, tt.stderr)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a model was saved")
			}
		})
	}
}
