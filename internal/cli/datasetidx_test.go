package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/dataset"
)

// writeIDX writes an IDX file (gzipped if the name ends in .gz) of n
// images of 2×3 pixels, or of their labels (i mod 10), and returns its path.
func writeIDX(t *testing.T, dir, name string, n int, labels bool) string {
	t.Helper()
	var b bytes.Buffer
	if labels {
		binary.Write(&b, binary.BigEndian, []uint32{2049, uint32(n)})
		for i := range n {
			b.WriteByte(byte(i % 10))
		}
	} else {
		binary.Write(&b, binary.BigEndian, []uint32{2051, uint32(n), 2, 3})
		for i := range n * 6 {
			b.WriteByte(byte(i))
		}
	}
	data := b.Bytes()
	if strings.HasSuffix(name, ".gz") {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(data)
		zw.Close()
		data = z.Bytes()
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDatasetIDX(t *testing.T) {
	dir := t.TempDir()
	imgs := writeIDX(t, dir, "images", 4, false)
	labs := writeIDX(t, dir, "labels.gz", 4, true)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := run(t, "dataset", "idx", "--images", imgs, "--labels", labs, "--out", out, "--classes", "zero,one,two/2,three")
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr)
	}
	if want := "Wrote 4 images of 3×2 pixels (zero: 1, one: 1, two_2: 1, three: 1) to " + out + "\n"; stdout != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	f, err := dataset.ScanDir(out, dataset.Options{Height: 2, Width: 3, ColorMode: dataset.Grayscale})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.Classes, ",") != "one,three,two_2,zero" || len(f.Files) != 4 || f.Files[2].Path != filepath.Join("two_2", "2.png") {
		t.Errorf("scanned classes %q, files %v", f.Classes, f.Files)
	}
}

func TestDatasetFashionMNIST(t *testing.T) {
	from := t.TempDir()
	writeIDX(t, from, "train-images-idx3-ubyte.gz", 20, false)
	writeIDX(t, from, "train-labels-idx1-ubyte.gz", 20, true)
	writeIDX(t, from, "t10k-images-idx3-ubyte.gz", 10, false)
	writeIDX(t, from, "t10k-labels-idx1-ubyte.gz", 10, true)
	out := filepath.Join(t.TempDir(), "fm")
	code, stdout, stderr := run(t, "dataset", "fashion-mnist", "--from", from, "--out", out)
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Wrote 20 images of 3×2 pixels (T-shirt_top: 2, Trouser: 2,",
		"Ankle boot: 2) to " + filepath.Join(out, "train") + "\n",
		"Wrote 10 images of 3×2 pixels (T-shirt_top: 1,",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout %q lacks %q", stdout, want)
		}
	}
	for _, p := range []string{"train/T-shirt_top/00.png", "train/Ankle boot/19.png", "test/Bag/8.png"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Error(err)
		}
	}
}

func TestDatasetIDXErrors(t *testing.T) {
	dir := t.TempDir()
	imgs := writeIDX(t, dir, "images", 4, false)
	labs := writeIDX(t, dir, "labels", 4, true)
	three := writeIDX(t, dir, "three", 3, true)
	out := filepath.Join(dir, "out")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no images", []string{"idx", "--labels", labs, "--out", out}, 2, "convscope dataset idx: --images is required"},
		{"no labels", []string{"idx", "--images", imgs, "--out", out}, 2, "--labels is required"},
		{"no out", []string{"idx", "--images", imgs, "--labels", labs}, 2, "--out is required"},
		{"swapped", []string{"idx", "--images", labs, "--labels", imgs, "--out", out}, 1, "were --images and --labels swapped?"},
		{"counts", []string{"idx", "--images", imgs, "--labels", three, "--out", out}, 1, "expected as many labels as images (4), received 3 labels"},
		{"few classes", []string{"idx", "--images", imgs, "--labels", labs, "--out", out, "--classes", "a,b"}, 1, "expected labels 0…1 for 2 class names, received label 3"},
		{"fashion no out", []string{"fashion-mnist"}, 2, "convscope dataset fashion-mnist: --out is required"},
		{"fashion missing", []string{"fashion-mnist", "--from", dir, "--out", out}, 1, "train-images-idx3-ubyte.gz not found: --from must hold Fashion-MNIST's four IDX files (Debian: apt-get install dataset-fashion-mnist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := run(t, append([]string{"dataset"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) || stdout != "" {
				t.Errorf("exit code %d, stdout %q, stderr %q; want code %d and %q", code, stdout, stderr, tt.code, tt.stderr)
			}
			if tt.code == 1 && strings.Count(stderr, "\n") != 1 {
				t.Errorf("expected one line on stderr, received %q", stderr)
			}
		})
	}
	if err := fashionMissing(dataset.FashionMNISTDir, "x"); !strings.Contains(err.Error(), "Fashion-MNIST is not installed (x not found); install it with: apt-get install dataset-fashion-mnist") {
		t.Errorf("fashionMissing: %v", err)
	}
}
