package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// idxFile encodes an IDX file: magic, dimensions, data; gzipped if gz.
func idxFile(t testing.TB, magic uint32, dims []uint32, data []byte, gz bool) []byte {
	t.Helper()
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	binary.Write(&b, binary.BigEndian, dims)
	b.Write(data)
	if !gz {
		return b.Bytes()
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return z.Bytes()
}

// smallIDX is 5 images of 3×4 pixels (pixel value 10·image + position) with
// labels 2, 0, 1, 2, 0.
func smallIDX() (pixels, labels []byte) {
	pixels = make([]byte, 5*3*4)
	for i := range pixels {
		pixels[i] = byte(10*(i/12) + i%12)
	}
	return pixels, []byte{2, 0, 1, 2, 0}
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIDXRoundTrip(t *testing.T) {
	pixels, labels := smallIDX()
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		imgs := writeFile(t, dir, "images", idxFile(t, 2051, []uint32{5, 3, 4}, pixels, gz))
		labs := writeFile(t, dir, "labels", idxFile(t, 2049, []uint32{5}, labels, gz))
		d, err := LoadIDX(imgs, labs)
		if err != nil {
			t.Fatalf("gzip %v: %v", gz, err)
		}
		if d.N != 5 || d.Rows != 3 || d.Cols != 4 || !bytes.Equal(d.Pixels, pixels) || !bytes.Equal(d.Labels, labels) {
			t.Fatalf("gzip %v: read N %d, %d×%d, labels %v", gz, d.N, d.Rows, d.Cols, d.Labels)
		}
		// Write class folders, then read them back as training data.
		out := filepath.Join(dir, "out")
		classes := []string{"a/b", "c", "d"}
		counts, err := d.WriteTree(out, classes)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(counts, []int{2, 1, 2}) {
			t.Errorf("counts %v, expected [2 1 2]", counts)
		}
		f, err := ScanDir(out, Options{Height: 3, Width: 4, ColorMode: Grayscale})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(f.Classes, []string{"a_b", "c", "d"}) || len(f.Files) != 5 {
			t.Fatalf("scanned classes %v, %d files", f.Classes, len(f.Files))
		}
		for _, file := range f.Files {
			i := int(file.Path[len(file.Path)-5] - '0') // <class>/<i>.png
			if file.Class != int(labels[i]) {
				t.Errorf("%s: class %d, expected label %d", file.Path, file.Class, labels[i])
			}
			img, err := LoadImageFile(filepath.Join(out, file.Path), 0)
			if err != nil {
				t.Fatal(err)
			}
			g, ok := img.(*image.Gray)
			if !ok || !bytes.Equal(g.Pix, pixels[i*12:(i+1)*12]) || g.Bounds() != image.Rect(0, 0, 4, 3) {
				t.Errorf("%s: pixels differ from image %d (%T %v)", file.Path, i, img, img.Bounds())
			}
		}
	}
}

func TestIDXDefaultClasses(t *testing.T) {
	if got := DigitClasses(12); got[0] != "00" || got[11] != "11" {
		t.Errorf("DigitClasses(12) = %v", got)
	}
	pixels, labels := smallIDX()
	d := &IDX{N: 5, Rows: 3, Cols: 4, Pixels: pixels, Labels: labels}
	out := t.TempDir()
	if _, err := d.WriteTree(out, nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"0/1.png", "0/4.png", "1/2.png", "2/0.png", "2/3.png"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Error(err)
		}
	}
}

func TestIDXBadFiles(t *testing.T) {
	pixels, labels := smallIDX()
	good := idxFile(t, 2051, []uint32{5, 3, 4}, pixels, false)
	goodLabels := idxFile(t, 2049, []uint32{5}, labels, false)
	gz := idxFile(t, 2051, []uint32{5, 3, 4}, pixels, true)
	for _, tc := range []struct {
		name           string
		images, labels []byte
		want           string
	}{
		{"swapped", goodLabels, good, "expected an IDX image file (magic number 0x00000803), received magic number 0x00000801 (a label file: were --images and --labels swapped?)"},
		{"png", []byte("\x89PNG\r\n\x1a\n0000"), goodLabels, "expected an IDX image file (magic number 0x00000803), received magic number 0x89504e47"},
		{"float", idxFile(t, 0x0d03, []uint32{5, 3, 4}, nil, false), goodLabels, "element type 0x0d; only unsigned bytes"},
		{"empty", nil, goodLabels, "expected an IDX image file (a 4-byte magic number), received 0 bytes"},
		{"short header", good[:9], goodLabels, "truncated header: expected 16 bytes, received 9"},
		{"truncated", good[:len(good)-1], goodLabels, "truncated: expected 60 bytes of data (5 images of 3×4 pixels), received 59"},
		{"truncated gzip", gz[:len(gz)-12], goodLabels, "truncated"},
		{"trailing", append(slices.Clip(good), 0), goodLabels, "expected 60 bytes of data (5 images of 3×4 pixels), the file has more"},
		{"huge header", idxFile(t, 2051, []uint32{1 << 20, 1 << 10, 1 << 10}, nil, false), goodLabels, "expected at most 1073741824 bytes of data"},
		{"counts", good, idxFile(t, 2049, []uint32{4}, labels[:4], false), "expected as many labels as images (5), received 4 labels"},
		{"zero size", idxFile(t, 2051, []uint32{5, 0, 4}, nil, false), goodLabels, "expected images of at least 1×1 pixels, received 0×4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			imgs := writeFile(t, dir, "images", tc.images)
			labs := writeFile(t, dir, "labels", tc.labels)
			_, err := LoadIDX(imgs, labs)
			if err == nil {
				t.Fatalf("no error, expected %q", tc.want)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "dataset: ") {
				t.Errorf("error %q, expected one line containing %q", msg, tc.want)
			}
		})
	}
	if _, err := LoadIDX(filepath.Join(t.TempDir(), "missing"), "x"); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing file: %v", err)
	}
}

func TestIDXWriteTreeBadClasses(t *testing.T) {
	pixels, labels := smallIDX()
	d := &IDX{N: 5, Rows: 3, Cols: 4, Pixels: pixels, Labels: labels}
	for _, tc := range []struct {
		classes []string
		want    string
	}{
		{[]string{"a", "b"}, "expected labels 0…1 for 2 class names, received label 2"},
		{[]string{"a", "..", "c"}, `class name ".." cannot be a folder name`},
		{[]string{"a/b", "a_b", "c"}, `class names "a/b" and "a_b" give the same folder "a_b"`},
	} {
		_, err := d.WriteTree(t.TempDir(), tc.classes)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("classes %q: error %v, expected %q", tc.classes, err, tc.want)
		}
	}
}

func ExampleFashionMNISTSplit() {
	images, labels := FashionMNISTSplit("/usr/share/datasets/fashion-mnist", "test")
	fmt.Println(images)
	fmt.Println(labels)
	// Output:
	// /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz
	// /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz
}

// firstPixel is a Classifier of 3×4 images that scores class k when the
// image's first pixel, rescaled, rounds to k (out of three classes).
type firstPixel struct{}

func (firstPixel) InputShape() []int { return []int{3, 4, 1} }
func (firstPixel) Predict(x *nn.Tensor) *nn.Tensor {
	y := nn.NewTensor(x.Batch(), 3)
	for i := range x.Batch() {
		k := int(x.Sample(i)[0] + 0.5)
		y.Sample(i)[min(k, 2)] = 1
	}
	return y
}

func TestIDXClassify(t *testing.T) {
	pixels, _ := smallIDX() // first pixels 0, 10, 20, 30, 40
	d := &IDX{N: 5, Rows: 3, Cols: 4, Pixels: pixels, Labels: []byte{0, 1, 2, 1, 0}}
	// Rescale 1/10: first pixels 0, 1, 2, 3, 4 → classes 0, 1, 2, 2, 2. The
	// model's class order differs from the label order; names match them,
	// folder names too.
	pred, err := d.Classify(firstPixel{}, 0.1, []string{"b", "a_x", "zz"}, []string{"a/x", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{1, 0, -1, -1, -1}; !slices.Equal(pred, want) {
		t.Errorf("predictions %v, want %v", pred, want)
	}
	if acc := d.Accuracy(pred); acc != 0 {
		t.Errorf("accuracy %v, want 0", acc)
	}
	pred, _ = d.Classify(firstPixel{}, 0.1, []string{"a", "b", "c"}, []string{"a", "b", "c"})
	if acc := d.Accuracy(pred); acc != 0.6 { // images 0, 1 and 2 right
		t.Errorf("accuracy %v (predictions %v), want 0.6", acc, pred)
	}
	wrong := &IDX{N: 1, Rows: 4, Cols: 4, Pixels: make([]byte, 16), Labels: []byte{0}}
	if _, err := wrong.Classify(firstPixel{}, 1, []string{"a", "b", "c"}, nil); err == nil || !strings.Contains(err.Error(), "expected [4 4 1]") {
		t.Errorf("wrong input size: %v", err)
	}
}
