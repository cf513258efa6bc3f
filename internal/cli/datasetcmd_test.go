package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/dataset"
)

func TestDatasetGenerateWritesClassFolders(t *testing.T) {
	out := filepath.Join(t.TempDir(), "shapes")
	code, stdout, stderr := run(t, "dataset", "generate", "--out", out, "--n", "6", "--size", "24", "--classes", "stars,circles,triangles", "--seed", "3")
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr)
	}
	if want := "Wrote 6 images of 24×24 pixels (circles: 2, stars: 2, triangles: 2) to " + out + "\n"; stdout != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	f, err := dataset.ScanDir(out, dataset.Options{Height: 24, Width: 24})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.Classes, ",") != "circles,stars,triangles" || len(f.Files) != 6 || len(f.Bad) != 0 {
		t.Errorf("scanned classes %q, %d files, %d bad", f.Classes, len(f.Files), len(f.Bad))
	}

	// The same seed gives the same files; another seed, other images.
	again := filepath.Join(t.TempDir(), "again")
	run(t, "dataset", "generate", "--out", again, "--n", "6", "--size", "24", "--classes", "stars,circles,triangles", "--seed", "3")
	other := filepath.Join(t.TempDir(), "other")
	run(t, "dataset", "generate", "--out", other, "--n", "6", "--size", "24", "--classes", "stars,circles,triangles", "--seed", "4")
	a, _ := os.ReadFile(filepath.Join(out, f.Files[0].Path))
	b, _ := os.ReadFile(filepath.Join(again, f.Files[0].Path))
	if len(a) == 0 || string(a) != string(b) {
		t.Error("the same seed wrote a different first image")
	}
	if c, err := os.ReadFile(filepath.Join(other, f.Files[0].Path)); err == nil && string(c) == string(a) {
		t.Error("another seed wrote the same first image")
	}
}

func TestDatasetGenerateThenTrain(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	if code, _, stderr := run(t, "dataset", "generate", "--out", data, "--n", "12", "--size", "16"); code != 0 {
		t.Fatalf("generate: exit code %d: %s", code, stderr)
	}
	out := filepath.Join(dir, "m.safetensors")
	code, stdout, stderr := run(t, tinyTrainArgs(data, out, "--validation-split", "0.25")...)
	if code != 0 || !strings.Contains(stdout, "Found 10 images belonging to 2 classes (circles: 5, crosses: 5)") {
		t.Errorf("train: exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestDatasetErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no subcommand", nil, 2, "convscope dataset: missing subcommand"},
		{"unknown subcommand", []string{"download"}, 2, `unknown subcommand "download"`},
		{"no out", []string{"generate", "--n", "4"}, 2, "convscope dataset generate: --out is required"},
		{"no n", []string{"generate", "--out", dir}, 2, "--n must be at least 1, received 0"},
		{"unknown class", []string{"generate", "--out", dir, "--n", "2", "--classes", "circles,hexagons"}, 2, `unknown shape class "hexagons"`},
		{"one class", []string{"generate", "--out", dir, "--n", "2", "--classes", "stars"}, 2, "needs at least two classes"},
		{"too small", []string{"generate", "--out", dir, "--n", "2", "--size", "8"}, 2, "at least 16 pixels"},
		{"too large", []string{"generate", "--out", dir, "--n", "2", "--size", "100000"}, 2, "at most 4096, received 100000"},
		{"bad flag", []string{"generate", "--out", dir, "--count", "2"}, 2, "flag provided but not defined: --count"},
		{"out is a file", []string{"generate", "--out", file, "--n", "2"}, 1, "convscope dataset generate: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, append([]string{"dataset"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) || stdout != "" {
				t.Errorf("exit code %d, stdout %q, stderr %q; want %d and %q", code, stdout, stderr, tt.code, tt.stderr)
			}
		})
	}
	for _, args := range [][]string{{"dataset", "--help"}, {"dataset", "generate", "--help"}, {"help", "dataset"}} {
		if code, stdout, _ := run(t, args...); code != 0 || !strings.Contains(stdout, "Usage: convscope dataset generate") {
			t.Errorf("%q: exit code %d, stdout %q", args, code, stdout)
		}
	}
}
