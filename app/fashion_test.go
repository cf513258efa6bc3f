package app

import (
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

// writeIDX writes a gzipped IDX pair of n 28×28 images (image i is a bar
// whose height depends on its label, i % classes) as Fashion-MNIST names
// the split's files in dir.
func writeIDX(t *testing.T, dir, prefix string, n, classes int) {
	t.Helper()
	write := func(name string, header []uint32, data []byte) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		z := gzip.NewWriter(f)
		binary.Write(z, binary.BigEndian, header)
		z.Write(data)
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	pixels := make([]byte, n*28*28)
	labels := make([]byte, n)
	for i := range n {
		labels[i] = byte(i % classes)
		for y := range 4 + 2*int(labels[i]) {
			for x := 10; x < 18; x++ {
				pixels[i*28*28+y*28+x] = 255
			}
		}
	}
	write(prefix+"-images-idx3-ubyte.gz", []uint32{2051, uint32(n), 28, 28}, pixels)
	write(prefix+"-labels-idx1-ubyte.gz", []uint32{2049, uint32(n)}, labels)
}

// The Training panel offers "Fashion-MNIST (installed)" only when the IDX
// files are there; Start converts them to class folders in the app's
// storage folder (once) and trains on train/, validating on test/.
func TestTrainingOnFashionMNIST(t *testing.T) {
	missing := newTestUIOpts(t, Options{Model: tinyModel(t), fashionDir: filepath.Join(t.TempDir(), "absent")})
	if slices.Contains(missing.training.source.Options, dataFashion) {
		t.Errorf("without the IDX files the data choices are %q", missing.training.source.Options)
	}

	dir := t.TempDir()
	writeIDX(t, dir, "train", 20, 10)
	writeIDX(t, dir, "t10k", 10, 10)
	u := newTestUIOpts(t, Options{Model: tinyModel(t), fashionDir: dir})
	tp := u.training
	if !slices.Contains(tp.source.Options, dataFashion) {
		t.Fatalf("with the IDX files in %s the data choices are %q", dir, tp.source.Options)
	}
	u.useBuiltin("fashion") // a ten-class model whose architecture trains
	settle(u)
	setupTinyTraining(u, "1")
	tp.steps.SetText("1")
	tp.valSteps.SetText("1")
	tp.source.SetSelected(dataFashion)
	test.Tap(tp.start)
	settle(u)
	run := tp.current()
	if run == nil {
		t.Fatalf("training did not start: %q", u.status.Text)
	}
	waitRun(t, u, "the run to end", func() bool { return !run.Running() })
	settle(u)
	if res := run.Wait(); res.Err != nil || res.History.Len() != 1 {
		t.Fatalf("result %+v", res)
	}
	out := u.fashionFolder()
	for _, split := range []string{"train", "test"} {
		files, _ := filepath.Glob(filepath.Join(out, split, "*", "*.png"))
		want := map[string]int{"train": 20, "test": 10}[split]
		if len(files) != want {
			t.Errorf("%s: %d images converted, expected %d", split, len(files), want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "converted")); err != nil {
		t.Errorf("the conversion is not marked done: %v", err)
	}
	if got := tp.classes.Text; !strings.Contains(got, "T-shirt_top") || !strings.Contains(got, "Ankle boot") {
		t.Errorf("classes %q", got)
	}
	names := []string{}
	for _, s := range tp.lossPlot.Chart().Series {
		names = append(names, s.Name)
	}
	if !strings.Contains(strings.Join(names, ","), "val_loss") {
		t.Errorf("no validation curve (test/ validates): %v", names)
	}
}
