package workbench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/npy"
)

func frameFor(t *testing.T) (*Bench, *Frame) {
	t.Helper()
	b, r := newRecordedBench(tinyModel(t, 12))
	t.Cleanup(b.Close)
	b.Open("a", "", loaderOf(testImage(12, 12, 1)))
	b.Wait()
	return b, r.last()
}

func TestExports(t *testing.T) {
	_, f := frameFor(t)
	dir := t.TempDir()
	pngs, err := ExportSheets(dir, f)
	if err != nil || len(pngs) != 3 {
		t.Fatalf("ExportSheets: %v, %v", pngs, err)
	}
	if filepath.Base(pngs[0]) != "conv2d_1.png" {
		t.Errorf("first sheet file %s", pngs[0])
	}
	npys, err := ExportActivations(dir, f)
	if err != nil || len(npys) != 3 {
		t.Fatalf("ExportActivations: %v, %v", npys, err)
	}
	shape, data, err := npy.ReadFile(npys[1])
	if err != nil {
		t.Fatal(err)
	}
	if len(shape) != 4 || shape[0] != 1 || shape[1] != 5 || shape[2] != 5 || shape[3] != 4 {
		t.Errorf("pool activation shape %v, want (1, 5, 5, 4)", shape)
	}
	for i, v := range data {
		if v != f.Layers[1].Act.Data[i] {
			t.Fatalf("value %d: %v, want %v", i, v, f.Layers[1].Act.Data[i])
		}
	}
	grid := GridImage(f)
	if grid.Bounds().Dy() <= f.Layers[0].Sheet.Image.Bounds().Dy() {
		t.Errorf("grid image %v is no taller than one sheet", grid.Bounds())
	}
	p := filepath.Join(dir, "grid.png")
	if err := SavePNG(p, grid); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
	if _, err := ExportActivations(filepath.Join(dir, "missing"), f); err == nil {
		t.Error("exporting into a missing folder succeeded")
	}
}
