package cli

import (
	"image/png"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/dataset"
)

// fashionSamples copies the embedded Fashion-MNIST samples to dir and
// returns their paths with the class folder each belongs to.
func fashionSamples(t *testing.T, dir string) (paths, folders []string) {
	t.Helper()
	err := fs.WalkDir(assets.FashionSamples, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(assets.FashionSamples, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, strings.ReplaceAll(p, "/", "_"))
		paths, folders = append(paths, dst), append(folders, path.Dir(p))
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil || len(paths) != 10 {
		t.Fatalf("%d samples, %v", len(paths), err)
	}
	return paths, folders
}

// TestBuiltinFashionPredict classifies the ten 28×28 grayscale samples end
// to end through the command line.
func TestBuiltinFashionPredict(t *testing.T) {
	paths, folders := fashionSamples(t, t.TempDir())
	code, stdout, stderr := run(t, append([]string{"predict", "--model", "builtin:fashion"}, paths...)...)
	if code != 0 || stderr != "" {
		t.Fatalf("exit code %d, stderr %q", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != len(paths) {
		t.Fatalf("output %q", stdout)
	}
	for i, l := range lines {
		_, rest, _ := strings.Cut(l, ": ")
		class := rest[:strings.LastIndex(rest, " ")]
		if folder, _ := dataset.ClassFolderName(class); folder != folders[i] {
			t.Errorf("%s: predicted %q, expected %s", paths[i], class, folders[i])
		}
	}
	// A colour image of another size is converted to gray and resized.
	big := writeImage(t, t.TempDir(), "colour.png", 90, 60, 1)
	if code, stdout, stderr := run(t, "predict", "--model", "builtin:fashion", big); code != 0 || !strings.HasPrefix(stdout, big+": ") {
		t.Errorf("colour image: exit code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestBuiltinFashionActivations(t *testing.T) {
	paths, _ := fashionSamples(t, t.TempDir())
	out := t.TempDir()
	code, stdout, stderr := run(t, "activations", "--model", "builtin:fashion", "--image", paths[0], "--out", out, "--format", "png")
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr)
	}
	for _, want := range []string{"conv2d_1         (1, 28, 28, 32)", "max_pooling2d_1  (1, 14, 14, 32)", "conv2d_4         (1, 14, 14, 64)", "max_pooling2d_2  (1, 7, 7, 64)"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	f, err := os.Open(filepath.Join(out, "max_pooling2d_2.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		t.Errorf("max_pooling2d_2.png: %v %v", cfg, err)
	}
}

func TestBuiltinModelFlag(t *testing.T) {
	code, stdout, _ := run(t, "summary", "--model", "builtin:fashion")
	for _, want := range []string{"(None, 28, 28, 32)", "Model card:", "Trained on: Fashion-MNIST", "Classes: Ankle boot, Bag, Coat, Dress, Pullover, Sandal, Shirt, Sneaker, T-shirt/top, Trouser", "Input: 28×28 grayscale, pixels × 1/255", "Knows only"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("summary --model builtin:fashion: exit code %d, output lacks %q:\n%s", code, want, stdout)
		}
	}
	for _, spec := range []string{"builtin", "builtin:shapes"} {
		code, stdout, stderr := run(t, "summary", "--model", spec)
		if code != 0 || !strings.Contains(stdout, "(None, 148, 148, 32)") || !strings.Contains(stdout, "Classes: circles, crosses") {
			t.Errorf("summary --model %s: exit code %d, stderr %q", spec, code, stderr)
		}
	}
	code, _, stderr := run(t, "predict", "--model", "builtin:cats", "x.png")
	if code != 1 || !strings.Contains(stderr, `unknown built-in model "builtin:cats": expected builtin:shapes or builtin:fashion`) {
		t.Errorf("unknown built-in: exit code %d, stderr %q", code, stderr)
	}
}
