package model

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/nn"
)

func TestSaveAndOpen(t *testing.T) {
	m := tinyModel(t, 12)
	h := &nn.History{}
	h.Append(0, []string{"loss", "accuracy"}, []float64{0.5, 0.75})
	p := filepath.Join(t.TempDir(), "m.safetensors")
	if err := m.Save(p, h); err != nil {
		t.Fatal(err)
	}
	got, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got.Classes, ",") != "dark,light" || got.Label != "m.safetensors" || got.Path != p || !got.Trained {
		t.Errorf("opened %+v", got)
	}
	if got.Meta.History == nil || got.Meta.History.Len() != 1 {
		t.Errorf("history not saved: %v", got.Meta.History)
	}
	in, err := m.Prepare("a", "", testImage(12, 12, 1))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := m.Forward(in.Tensor)
	maps, _ := got.Forward(in.Tensor)
	for i, v := range want[2].Data {
		if maps[2].Data[i] != v {
			t.Fatalf("activation %d after reload: %v, want %v", i, maps[2].Data[i], v)
		}
	}
	for _, bad := range []string{filepath.Join(t.TempDir(), "nope.safetensors"), "model.onnx", "builtin:nope"} {
		if _, err := Open(bad); err == nil {
			t.Errorf("opening %s succeeded", bad)
		}
	}
	if _, err := Open("model.xyz"); err == nil || !strings.Contains(err.Error(), "expected") {
		t.Errorf("an unknown extension gave %v", err)
	}
}

func TestOpenBuiltin(t *testing.T) {
	m, err := Open(BuiltinPrefix + "default")
	if err != nil {
		t.Fatal(err)
	}
	if !m.Trained || m.Outputs() != 1 || len(m.MapLayers()) != 8 {
		t.Errorf("built-in model: trained %v, %d outputs, %d map layers", m.Trained, m.Outputs(), len(m.MapLayers()))
	}
}

// TestPrepareResizesOnce checks that the input tensor and the image shown
// as "network input" are the same pixels, and equal what the training
// pipeline (dataset.Preprocess) feeds.
func TestPrepareResizesOnce(t *testing.T) {
	m := tinyModel(t, 12)
	img := testImage(40, 30, 2)
	in, err := m.Prepare("x", "", img)
	if err != nil {
		t.Fatal(err)
	}
	want, err := dataset.Preprocess(nil, img, m.Prep())
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Tensor.Data) != len(want) || in.Tensor.Shape[0] != 1 {
		t.Fatalf("tensor %v, want %d values", in.Tensor.Shape, len(want))
	}
	for i, v := range want {
		if in.Tensor.Data[i] != v {
			t.Fatalf("value %d: %v, want %v", i, in.Tensor.Data[i], v)
		}
		if got := float32(in.Seen.Pix[i/3*4+i%3]) * float32(1.0/255); got != v {
			t.Fatalf("seen pixel %d: %v, tensor %v", i, got, v)
		}
	}
	if in.Preview != img {
		t.Error("a small image was copied for the preview")
	}
	if got := preview(testImage(1200, 600, 1)).Bounds(); got != image.Rect(0, 0, PreviewSize, PreviewSize/2) {
		t.Errorf("preview of 1200×600 is %v", got)
	}
	if got := preview(testImage(300, 900, 1)).Bounds(); got != image.Rect(0, 0, PreviewSize/3, PreviewSize) {
		t.Errorf("preview of 300×900 is %v", got)
	}
	if !m.Fits(in) || tinyModel(t, 14).Fits(in) {
		t.Error("Fits")
	}
}

func TestMapLayersAndKernel(t *testing.T) {
	m := tinyModel(t, 12)
	ls := m.MapLayers()
	if len(ls) != 3 || ls[0].Name != "conv2d_1" || ls[1].Kind != "MaxPooling2D" || ls[2].Index != 2 {
		t.Fatalf("map layers %+v", ls)
	}
	if w, shape, ok := m.Kernel(0); !ok || len(w) != 3*3*3*4 || shape[3] != 4 {
		t.Errorf("kernel of conv2d_1: %v %v", shape, ok)
	}
	if _, _, ok := m.Kernel(1); ok {
		t.Error("a pooling layer has a kernel")
	}
}

func TestDefaultModelFallback(t *testing.T) {
	m, why := Default([]byte("not a model"), []string{"a", "b"})
	if m == nil || why == nil || m.Trained {
		t.Fatalf("broken embedded model: %v, %v", m, why)
	}
	if got := m.Net.CountParams(); got != 3453121 {
		t.Errorf("fallback has %d parameters, want the reference model's 3,453,121", got)
	}
}

func TestPredictMultiClass(t *testing.T) {
	m := &Model{Classes: []string{"a", "b", "c", "d", "e", "f", "g"}}
	p := m.Predict([]float32{0.05, 0.5, 0.1, 0.05, 0.1, 0.1, 0.1})
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
			writePNG(t, filepath.Join(dir, class, string(rune('a'+i))+".png"), testImage(20, 20, i))
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
				writePNG(t, filepath.Join(root, part, class, string(rune('a'+i))+".png"), testImage(12, 12, i))
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
