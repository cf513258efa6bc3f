package model

import (
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/nn"
)

// Boundary cases found by mutation testing (TESTING.md), with values
// worked out by hand.

func TestFileNameKinds(t *testing.T) {
	for name, want := range map[string]bool{"a.safetensors": true, "B.H5": true, "c.keras": true, "notes.txt": false, "safetensors": false} {
		if got := IsModelName(name); got != want {
			t.Errorf("IsModelName(%q) = %v, want %v", name, got, want)
		}
	}
	for name, want := range map[string]bool{"a.png": true, "B.JPG": true, "c.webp": true, "notes.txt": false, "m.safetensors": false} {
		if got := IsImageName(name); got != want {
			t.Errorf("IsImageName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestKernelIndexBounds(t *testing.T) {
	m := tinyModel(t, 12) // conv, pool, conv, flatten, dense
	if _, shape, ok := m.Kernel(2); !ok || len(shape) != 4 || shape[0] != 3 || shape[2] != 4 || shape[3] != 6 {
		t.Errorf("Kernel(2): %v %v, want (3, 3, 4, 6)", shape, ok)
	}
	for _, i := range []int{-1, 1, 5, 6} {
		if _, _, ok := m.Kernel(i); ok {
			t.Errorf("Kernel(%d) is a kernel", i)
		}
	}
}

func TestPreviewKeepsSmallImages(t *testing.T) {
	for _, wh := range [][2]int{{512, 512}, {512, 100}, {100, 512}} {
		img := testImage(wh[0], wh[1], 1)
		if got := preview(img); got != image.Image(img) {
			t.Errorf("%d×%d: a scaled copy, want the image itself (≤ %d)", wh[0], wh[1], PreviewSize)
		}
	}
	// 513×100 → 512 × ⌊100·512/513⌋ = 512×99.
	if got := preview(testImage(513, 100, 1)).Bounds(); got != image.Rect(0, 0, 512, 99) {
		t.Errorf("preview of 513×100 is %v, want 512×99", got)
	}
}

// A very thin image keeps its short edge (up to previewMinSide) so that its
// rows survive: a 10000×3 image of a red, a green and a blue row was shrunk
// to 512×1, one colour (issue #17 defect 10).
func TestPreviewKeepsThinImagesRows(t *testing.T) {
	rows := []color.RGBA{{255, 0, 0, 255}, {0, 255, 0, 255}, {0, 0, 255, 255}}
	for _, tc := range []struct {
		w, h int
		want image.Rectangle
	}{
		{10000, 3, image.Rect(0, 0, 512, 3)},
		{3, 10000, image.Rect(0, 0, 3, 512)},
		{10000, 40, image.Rect(0, 0, 512, 16)},
		{2000, 200, image.Rect(0, 0, 512, 51)},
	} {
		img := image.NewRGBA(image.Rect(0, 0, tc.w, tc.h))
		for y := range tc.h {
			for x := range tc.w {
				if tc.w > tc.h {
					img.SetRGBA(x, y, rows[y*3/tc.h])
				} else {
					img.SetRGBA(x, y, rows[x*3/tc.w])
				}
			}
		}
		p := preview(img)
		if p.Bounds() != tc.want {
			t.Errorf("preview of %d×%d is %v, want %v", tc.w, tc.h, p.Bounds(), tc.want)
			continue
		}
		if tc.h != 3 && tc.w != 3 {
			continue
		}
		for i, want := range rows {
			x, y := 0, i
			if tc.w < tc.h {
				x, y = i, 0
			}
			if got := color.RGBAModel.Convert(p.At(x, y)).(color.RGBA); got != want {
				t.Errorf("preview of %d×%d: pixel (%d, %d) is %v, want %v", tc.w, tc.h, x, y, got, want)
			}
		}
	}
}

func TestDefaultWithoutEmbeddedModel(t *testing.T) {
	m, err := Default(nil, []string{"cats", "dogs"})
	if err != nil || m == nil || m.Trained || strings.Join(m.Classes, ",") != "cats,dogs" {
		t.Errorf("Default(nil): %+v, %v; want the untrained reference model and no error", m, err)
	}
}

func TestPrepFollowsInputAndMetadata(t *testing.T) {
	net, err := nn.Arch{InputShape: []int{8, 6, 1}, Layers: []nn.LayerConfig{{ClassName: "Flatten"}}}.Build()
	if err != nil {
		t.Fatal(err)
	}
	m := &Model{Net: net, Meta: nn.Metadata{Rescale: 0.5, Interpolation: "bilinear"}}
	o := m.Prep()
	if o.Height != 8 || o.Width != 6 || o.ColorMode != dataset.Grayscale || o.Interpolation != dataset.Bilinear || o.Rescale != 0.5 {
		t.Errorf("Prep of an 8×6×1 bilinear model: %+v", o)
	}
	o = tinyModel(t, 12).Prep()
	if o.ColorMode != dataset.RGB || o.Interpolation == dataset.Bilinear {
		t.Errorf("Prep of an RGB model without metadata: %+v, want RGB, nearest", o)
	}
}

func TestOpenGeneratedBounds(t *testing.T) {
	// 16×16 is the smallest size; 8 validation images = 2 steps × 4.
	d, err := OpenData(DataSpec{Generated: true}, []int{16, 16, 3}, 1, 4, 2)
	if err != nil {
		t.Fatalf("16×16: %v", err)
	}
	if !strings.Contains(d.Report, ", 8 validation images.") {
		t.Errorf("report %q, want 8 validation images", d.Report)
	}
	d.Close()
	if _, err := OpenData(DataSpec{Generated: true}, []int{15, 15, 3}, 1, 4, 2); err == nil {
		t.Error("15×15: no error")
	}
	// As many outputs as shapes is fine; three outputs take the first three.
	n := len(dataset.AllShapes)
	d, err = OpenData(DataSpec{Generated: true}, []int{16, 16, 3}, n, 4, 1)
	if err != nil {
		t.Fatalf("%d outputs: %v", n, err)
	}
	d.Close()
	d, err = OpenData(DataSpec{Generated: true}, []int{16, 16, 3}, 3, 4, 1)
	if err != nil || strings.Join(d.Classes, ",") != strings.Join(dataset.AllShapes[:3], ",") {
		t.Errorf("3 outputs: classes %v, %v; want %v", d.Classes, err, dataset.AllShapes[:3])
	}
	d.Close()
	if _, err := OpenData(DataSpec{Generated: true}, []int{16, 16, 3}, n+1, 4, 1); err == nil {
		t.Errorf("%d outputs: no error", n+1)
	}
}

func TestOpenDataFolderClassCount(t *testing.T) {
	dir := t.TempDir()
	for _, class := range []string{"a", "b"} {
		os.MkdirAll(filepath.Join(dir, class), 0o755)
		writePNG(t, filepath.Join(dir, class, "x.png"), testImage(8, 8, 1))
	}
	d, err := OpenData(DataSpec{TrainDir: dir}, []int{8, 8, 3}, 2, 2, 1)
	if err != nil {
		t.Fatalf("2 classes, 2 outputs: %v", err)
	}
	d.Close()
	if _, err := OpenData(DataSpec{TrainDir: dir}, []int{8, 8, 3}, 3, 2, 1); err == nil || !strings.Contains(err.Error(), "has 2 classes") {
		t.Errorf("2 classes, 3 outputs: %v", err)
	}
}

func TestClassProbabilitiesLiteral(t *testing.T) {
	m := &Model{Classes: []string{"a", "", "c"}}
	type cp = ClassProb
	for _, tc := range []struct {
		out  []float32
		want []ClassProb
	}{
		// Not normalised: 1 and 3 of 4.
		{[]float32{1, 3}, []cp{{1, "class 1", 0.75}, {0, "a", 0.25}}},
		// All zero: no division by zero, order kept.
		{[]float32{0, 0, 0}, []cp{{0, "a", 0}, {1, "class 1", 0}, {2, "c", 0}}},
		// Ties keep class order; a sigmoid at 0.5 is class 0 first.
		{[]float32{0.5}, []cp{{0, "a", 0.5}, {1, "class 1", 0.5}}},
		{[]float32{0.25, 0.25, 0.5}, []cp{{2, "c", 0.5}, {0, "a", 0.25}, {1, "class 1", 0.25}}},
	} {
		got := m.ClassProbabilities(tc.out)
		if len(got) != len(tc.want) {
			t.Fatalf("%v: %v, want %v", tc.out, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%v: %v, want %v", tc.out, got, tc.want)
				break
			}
		}
	}
	for i, want := range map[int]string{-1: "class -1", 0: "a", 1: "class 1", 2: "c", 3: "class 3"} {
		if got := m.ClassName(i); got != want {
			t.Errorf("ClassName(%d) = %q, want %q", i, got, want)
		}
	}
}

func TestGeneratedSamplesFromValidationRange(t *testing.T) {
	g, err := dataset.NewGenerated(dataset.GenOptions{Classes: dataset.BinaryShapes})
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range GeneratedSamples(3) {
		want, _ := g.Sample(ValidationStart + i)
		if !samePix(s.Thumb, want) {
			t.Errorf("sample %d is not image ValidationStart+%d of the generator", i+1, i)
		}
	}
}

func samePix(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return false
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return false
			}
		}
	}
	return true
}
