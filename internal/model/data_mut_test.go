package model

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// OpenData with a validation folder reads it with the training classes;
// a validation folder or split that cannot be made is one error; files
// that fail only when decoded are listed by SkippedReport after reading.
func TestOpenDataValidationAndSkipped(t *testing.T) {
	dir := t.TempDir()
	write := func(root string, n int) string {
		for _, class := range []string{"cats", "dogs"} {
			os.MkdirAll(filepath.Join(root, class), 0o755)
			for i := range n {
				writePNG(t, filepath.Join(root, class, string(rune('a'+i))+".png"), testImage(12, 12, i))
			}
		}
		return root
	}
	train, val := write(filepath.Join(dir, "train"), 3), write(filepath.Join(dir, "val"), 2)
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(12, 12, 9)); err != nil {
		t.Fatal(err)
	}
	// A whole header, the pixel data cut short: found only when decoded.
	os.WriteFile(filepath.Join(train, "dogs", "cut.png"), buf.Bytes()[:buf.Len()-30], 0o644)

	d, err := OpenData(DataSpec{TrainDir: train, ValDir: val}, []int{12, 12, 3}, 2, 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Validation == nil || !strings.Contains(d.Report, "\nValidation: Found 4 images belonging to 2 classes (cats: 2, dogs: 2)") {
		t.Errorf("validation folder: %v, report %q", d.Validation, d.Report)
	}
	if r := d.SkippedReport(); r != "" {
		t.Errorf("skipped before reading: %q", r)
	}
	x, y := nn.NewTensor(7, 12, 12, 3), nn.NewTensor(7, 2)
	for range 2 {
		if err := d.Train.Next(x, y); err != nil {
			t.Fatal(err)
		}
	}
	if r := d.SkippedReport(); !strings.HasPrefix(r, "Skipped 1 unreadable file:") || !strings.Contains(r, "cut.png") {
		t.Errorf("skipped after reading: %q", r)
	}

	for _, c := range []struct {
		spec DataSpec
		want string
	}{
		{DataSpec{TrainDir: train, ValDir: filepath.Join(dir, "missing")}, "missing"},
		{DataSpec{TrainDir: train, ValSplit: 1.5}, "1.5"},
	} {
		if _, err := OpenData(c.spec, []int{12, 12, 3}, 2, 7, 1); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.spec, err, c.want)
		}
	}
}
