package workbench

import (
	"bytes"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/convscope/convscope/internal/npy"
	"github.com/convscope/convscope/nn"
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

func TestSaveAndLoadModel(t *testing.T) {
	b, f := frameFor(t)
	h := &nn.History{}
	h.Append(0, []string{"loss", "accuracy"}, []float64{0.5, 0.75})
	p := filepath.Join(t.TempDir(), "m.safetensors")
	if err := b.SaveModel(p, h); err != nil {
		t.Fatal(err)
	}
	m, err := LoadModelFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(m.Classes, ",") != "dark,light" || m.Label != "m.safetensors" || !m.Trained {
		t.Errorf("loaded %+v", m)
	}
	if m.Meta.History == nil || m.Meta.History.Len() != 1 {
		t.Errorf("history not saved: %v", m.Meta.History)
	}
	b2, r2 := newRecordedBench(m)
	defer b2.Close()
	b2.Open("a", "", loaderOf(testImage(12, 12, 1)))
	b2.Wait()
	got := r2.last().Layers[2].Act.Data
	for i, v := range f.Layers[2].Act.Data {
		if got[i] != v {
			t.Fatalf("activation %d after reload: %v, want %v", i, got[i], v)
		}
	}
	if _, err := LoadModelFile(filepath.Join(t.TempDir(), "nope.safetensors")); err == nil {
		t.Error("loading a missing file succeeded")
	}
}

func TestDefaultModelFallback(t *testing.T) {
	m, why := DefaultModel([]byte("not a model"), []string{"a", "b"})
	if m == nil || why == nil || m.Trained {
		t.Fatalf("broken embedded model: %v, %v", m, why)
	}
	if got := m.Net.CountParams(); got != 3453121 {
		t.Errorf("fallback has %d parameters, want the reference model's 3,453,121", got)
	}
}

func TestPredictMultiClass(t *testing.T) {
	m := &Model{Classes: []string{"a", "b", "c", "d", "e", "f", "g"}}
	p := predict(m, []float32{0.05, 0.5, 0.1, 0.05, 0.1, 0.1, 0.1})
	if p.Binary || len(p.Top) != TopK || p.Top[0].Name != "b" || math.Abs(p.Top[0].Prob-0.5) > 1e-6 {
		t.Errorf("prediction %+v", p)
	}
	for i := 1; i < len(p.Top); i++ {
		if p.Top[i].Prob > p.Top[i-1].Prob {
			t.Errorf("not sorted: %+v", p.Top)
		}
	}
	if got := (&Model{}).ClassName(3); got != "class 3" {
		t.Errorf("unnamed class %q", got)
	}
}

func TestOpenDataErrors(t *testing.T) {
	cases := []struct {
		spec    DataSpec
		outputs int
		want    string
	}{
		{DataSpec{Generated: true}, 9, "generated dataset"},
		{DataSpec{}, 1, "training folder"},
		{DataSpec{TrainDir: t.TempDir()}, 1, ""},
	}
	for _, c := range cases {
		_, err := OpenData(c.spec, []int{20, 20, 3}, c.outputs, 4, 2)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want one mentioning %q", c.spec, err, c.want)
		}
	}
	if _, err := OpenData(DataSpec{TrainDir: t.TempDir()}, []int{20, 20, 4}, 1, 4, 2); err == nil || !strings.Contains(err.Error(), "4 channels") {
		t.Errorf("a 4-channel input gave error %v, want one about its channels", err)
	}
	if _, err := OpenData(DataSpec{Generated: true}, []int{12, 12, 3}, 1, 4, 2); err == nil {
		t.Error("generated images smaller than 16 pixels were accepted")
	}
	d, err := OpenData(DataSpec{Generated: true}, []int{20, 20, 3}, 1, 4, 2)
	if err != nil || d.Train == nil || d.Validation == nil || strings.Join(d.Classes, ",") != "circles,crosses" {
		t.Fatalf("generated: %+v, %v", d, err)
	}
	x, y := nn.NewTensor(4, 20, 20, 3), nn.NewTensor(4, 1)
	if err := d.Train.Next(x, y); err != nil {
		t.Fatal(err)
	}
	for _, v := range y.Data {
		if v != 0 && v != 1 {
			t.Errorf("label %v", v)
		}
	}
	d.Close()
}

func TestOpenDataFolder(t *testing.T) {
	dir := t.TempDir()
	for _, class := range []string{"cats", "dogs"} {
		os.MkdirAll(filepath.Join(dir, class), 0o755)
		for i := range 5 {
			if err := SavePNG(filepath.Join(dir, class, string(rune('a'+i))+".png"), testImage(20, 20, i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	os.WriteFile(filepath.Join(dir, "dogs", "broken.png"), []byte("nope"), 0o644)
	d, err := OpenData(DataSpec{TrainDir: dir, ValSplit: 0.2}, []int{12, 12, 3}, 1, 4, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if strings.Join(d.Classes, ",") != "cats,dogs" {
		t.Errorf("classes %v", d.Classes)
	}
	if d.Validation == nil {
		t.Error("no validation split")
	}
	if !strings.Contains(d.Report, "broken.png") {
		t.Errorf("report does not name the bad file: %q", d.Report)
	}
	x, y := nn.NewTensor(4, 12, 12, 3), nn.NewTensor(4, 1)
	if err := d.Train.Next(x, y); err != nil {
		t.Fatal(err)
	}
}

func TestSamplesFromFS(t *testing.T) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(30, 20, 1)); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"samples/b.png":     {Data: buf.Bytes()},
		"samples/a.PNG":     {Data: buf.Bytes()},
		"samples/notes.txt": {Data: []byte("hi")},
		"samples/bad.png":   {Data: []byte("nope")},
	}
	s := SamplesFromFS(fsys)
	if len(s) != 2 || s[0].Name != "a.PNG" || s[1].Name != "b.png" {
		t.Fatalf("samples %+v", s)
	}
	img, err := s[1].Load()
	if err != nil || img.Bounds().Dx() != 30 || s[1].Thumb == nil {
		t.Errorf("sample load: %v, %v", img, err)
	}
	if g := GeneratedSamples(4); len(g) != 4 || g[0].Thumb.Bounds().Dx() != 150 || !strings.HasPrefix(g[0].Name, "sample 1 (") {
		t.Errorf("generated samples %+v", g)
	}
}

// TestOpenDataValidationFolderShuffled checks that a validation folder is
// read in shuffled order, as Keras' generators do: the first batch of a
// sorted folder would hold one class only.
func TestOpenDataValidationFolderShuffled(t *testing.T) {
	root := t.TempDir()
	for _, part := range []string{"train", "val"} {
		for _, class := range []string{"cats", "dogs"} {
			os.MkdirAll(filepath.Join(root, part, class), 0o755)
			for i := range 8 {
				if err := SavePNG(filepath.Join(root, part, class, string(rune('a'+i))+".png"), testImage(12, 12, i)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	d, err := OpenData(DataSpec{TrainDir: filepath.Join(root, "train"), ValDir: filepath.Join(root, "val"), Seed: 3}, []int{12, 12, 3}, 1, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	x, y := nn.NewTensor(8, 12, 12, 3), nn.NewTensor(8, 1)
	if err := d.Validation.Next(x, y); err != nil {
		t.Fatal(err)
	}
	dogs := 0
	for _, v := range y.Data {
		dogs += int(v)
	}
	if dogs == 0 || dogs == 8 {
		t.Errorf("first validation batch has %d dogs of 8: validation is not shuffled", dogs)
	}
}
