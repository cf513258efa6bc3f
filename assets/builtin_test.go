package assets_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/nn"
)

func TestLookupBuiltin(t *testing.T) {
	for spec, want := range map[string]string{"builtin": "shapes", "builtin:default": "shapes", "builtin:shapes": "shapes", "builtin:fashion": "fashion"} {
		b, err := assets.LookupBuiltin(spec)
		if err != nil || b.Name != want || len(b.Model) == 0 || b.Samples == nil {
			t.Errorf("LookupBuiltin(%q) = %q, %v; want %q", spec, b.Name, err, want)
		}
		if !assets.IsBuiltin(spec) {
			t.Errorf("IsBuiltin(%q) = false", spec)
		}
	}
	for _, spec := range []string{"builtin:", "builtin:cats", "builtin:Fashion"} {
		_, err := assets.LookupBuiltin(spec)
		if err == nil || !strings.Contains(err.Error(), "expected builtin:shapes or builtin:fashion") {
			t.Errorf("LookupBuiltin(%q): error %v", spec, err)
		}
	}
	for _, spec := range []string{"", "builtins", "model.safetensors", "builtin.safetensors"} {
		if assets.IsBuiltin(spec) {
			t.Errorf("IsBuiltin(%q) = true", spec)
		}
	}
}

// loadFashion returns the embedded Fashion-MNIST model.
func loadFashion(t *testing.T) (*nn.Sequential, nn.Metadata) {
	t.Helper()
	net, meta, err := nn.Load(bytes.NewReader(assets.FashionModel))
	if err != nil {
		t.Fatal(err)
	}
	return net, meta
}

func TestBuiltinModelCards(t *testing.T) {
	for _, b := range assets.Builtins() {
		net, meta, err := nn.Load(bytes.NewReader(b.Model))
		if err != nil {
			t.Fatalf("%s: %v", b.Name, err)
		}
		c := meta.Card
		if c == nil || c.Data == "" || !strings.HasPrefix(c.Knows, "Knows only") || c.Epochs == 0 || c.ValidationAccuracy == 0 || c.Trained == "" || c.Command == "" {
			t.Errorf("%s: incomplete model card %+v", b.Name, c)
			continue
		}
		if h := meta.History; h == nil || h.Len() != c.Epochs {
			t.Errorf("%s: card says %d epochs, the history has %v", b.Name, c.Epochs, h)
		}
		if len(meta.CardLines(net.InputShape())) < 6 {
			t.Errorf("%s: card lines %q", b.Name, meta.CardLines(net.InputShape()))
		}
	}
	_, meta := loadFashion(t)
	if meta.Card == nil || meta.Card.TestAccuracy < 0.92 || meta.Card.TestImages != 10000 {
		t.Errorf("fashion card %+v: expected a test accuracy ≥ 0.92 on 10,000 images", meta.Card)
	}
}

// TestFashionSamples checks that the embedded model classifies each of its
// ten samples (one per class, in folders named after the classes) as its
// folder says, preprocessing them as predict and the app do.
func TestFashionSamples(t *testing.T) {
	net, meta := loadFashion(t)
	opts := dataset.Options{Height: 28, Width: 28, ColorMode: dataset.Grayscale, Rescale: float32(meta.Rescale)}
	seen := map[string]bool{}
	err := fs.WalkDir(assets.FashionSamples, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(assets.FashionSamples, p)
		if err != nil {
			return err
		}
		img, err := dataset.LoadImage(bytes.NewReader(data), 0)
		if err != nil {
			return err
		}
		x := nn.NewTensor(1, 28, 28, 1)
		if _, err := dataset.Preprocess(x.Data, img, opts); err != nil {
			return err
		}
		out := net.Predict(x).Sample(0)
		best := 0
		for k, v := range out {
			if v > out[best] {
				best = k
			}
		}
		folder := path.Dir(p)
		got, _ := dataset.ClassFolderName(meta.ClassNames[best])
		if got != folder {
			t.Errorf("%s: predicted %s (%.3f), expected %s", p, meta.ClassNames[best], out[best], folder)
		}
		seen[folder] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 10 {
		t.Errorf("samples cover %d classes, expected 10: %v", len(seen), seen)
	}
}

// TestFashionTestAccuracy measures the embedded model on the 10,000
// Fashion-MNIST test images installed by Debian's dataset-fashion-mnist
// (skipped, and reported as skipped, without it).
func TestFashionTestAccuracy(t *testing.T) {
	images, labels := dataset.FashionMNISTSplit(dataset.FashionMNISTDir, "test")
	if _, err := os.Stat(images); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("Fashion-MNIST is not installed (%s); apt-get install %s to run this test", images, dataset.FashionMNISTPackage)
	}
	d, err := dataset.LoadIDX(images, labels)
	if err != nil {
		t.Fatal(err)
	}
	net, meta := loadFashion(t)
	pred, err := d.Classify(net, float32(meta.Rescale), meta.ClassNames, dataset.FashionMNISTClasses)
	if err != nil {
		t.Fatal(err)
	}
	acc := d.Accuracy(pred)
	t.Logf("test accuracy %.4f on %d images", acc, d.N)
	if acc < 0.92 {
		t.Errorf("test accuracy %.4f, expected ≥ 0.92", acc)
	}
	if meta.Card != nil && acc != meta.Card.TestAccuracy {
		t.Errorf("test accuracy %.4f, the model card says %.4f", acc, meta.Card.TestAccuracy)
	}
}
