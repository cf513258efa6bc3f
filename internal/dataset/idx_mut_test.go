package dataset

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// The IDX readers' edges: an empty image file (0 images of 0×0 is fine,
// 1 image of 3×0 is not), the 1 GiB limit on what a header may announce
// (exactly 1 GiB passes the header check and is then truncated).
func TestIDXReadEdges(t *testing.T) {
	for _, c := range []struct {
		name    string
		file    []byte
		labels  bool
		wantErr string
	}{
		{"no images of 0×0", idxFile(t, 2051, []uint32{0, 0, 0}, nil, false), false, ""},
		{"no images of 5×4", idxFile(t, 2051, []uint32{0, 5, 4}, nil, false), false, ""},
		{"an image of 3×0", idxFile(t, 2051, []uint32{1, 3, 0}, nil, false), false, "expected images of at least 1×1 pixels, received 3×0"},
		{"an image of 0×3", idxFile(t, 2051, []uint32{1, 0, 3}, nil, false), false, "expected images of at least 1×1 pixels, received 0×3"},
		{"exactly 1 GiB of labels", idxFile(t, 2049, []uint32{1 << 30}, []byte{1, 2}, false), true, "truncated: expected 1073741824 bytes of data (1073741824 labels), received 2"},
		{"1 GiB and one byte", idxFile(t, 2049, []uint32{1<<30 + 1}, nil, false), true, "expected at most 1073741824 bytes of data, the header announces more (dimensions [1073741825]…)"},
		{"1 GiB of images", idxFile(t, 2051, []uint32{1 << 10, 1 << 10, 1 << 10}, nil, false), false, "truncated: expected 1073741824 bytes"},
		{"more than 1 GiB of images", idxFile(t, 2051, []uint32{1 << 10, 1 << 10, 1<<10 + 1}, nil, false), false, "dimensions [1024 1024 1025]…"},
		{"a label file of two labels", idxFile(t, 2049, []uint32{2}, []byte{7, 9}, true), true, ""},
	} {
		var err error
		if c.labels {
			var l []uint8
			l, err = ReadIDXLabels(bytes.NewReader(c.file))
			if err == nil && !slices.Equal(l, []uint8{7, 9}) {
				t.Errorf("%s: labels %v", c.name, l)
			}
		} else {
			_, _, _, _, err = ReadIDXImages(bytes.NewReader(c.file))
		}
		if c.wantErr == "" && err != nil || c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.wantErr)
		}
	}
	if h := idxMagicHint(0x00000902); h != " (IDX element type 0x09; only unsigned bytes, 0x08, are supported)" {
		t.Errorf("hint for 0x00000902: %q", h)
	}
	for _, m := range []uint32{0x00000802, 0x00010903, 0x89504e47} {
		if h := idxMagicHint(m); h != "" {
			t.Errorf("hint for %#08x: %q, want none", m, h)
		}
	}
}

// Image(i) is image i, sharing the pixels; outside [0, N) it panics with
// the range.
func TestIDXImage(t *testing.T) {
	pixels, labels := smallIDX()
	d := &IDX{N: 5, Rows: 3, Cols: 4, Pixels: pixels, Labels: labels}
	for i := range 5 {
		g := d.Image(i)
		if g.Bounds().Dx() != 4 || g.Bounds().Dy() != 3 || g.Stride != 4 || !bytes.Equal(g.Pix, pixels[12*i:12*i+12]) || g.GrayAt(3, 2).Y != byte(10*i+11) {
			t.Errorf("image %d: %v %v", i, g.Bounds(), g.Pix)
		}
	}
	for _, i := range []int{-1, 5, 6} {
		func() {
			defer func() {
				if r := recover(); fmt.Sprint(r) != fmt.Sprintf("dataset: IDX.Image: index %d out of range [0, 5)", i) {
					t.Errorf("Image(%d): panic %v", i, r)
				}
			}()
			d.Image(i)
		}()
	}
	if m := (&IDX{}).MaxLabel(); m != -1 {
		t.Errorf("empty MaxLabel %d", m)
	}
}

// Class names become folder names; digit classes are zero-padded to the
// width of the largest.
func TestClassFolderNames(t *testing.T) {
	for _, c := range []struct{ class, want string }{
		{"T-shirt/top", "T-shirt_top"}, {`a\b`, "a_b"}, {"tab\there", "tab_here"}, {"a b", "a b"}, {"x\x1f", "x_"}, {"!", "!"},
		{"", ""}, {".", ""}, {"..", ""}, {".hidden", ""}, {"/x", "_x"},
	} {
		got, err := ClassFolderName(c.class)
		if got != c.want || (err != nil) != (c.want == "") {
			t.Errorf("ClassFolderName(%q) = %q, %v; want %q", c.class, got, err, c.want)
		}
	}
	for _, c := range []struct {
		n    int
		want []string
	}{
		{0, []string{}}, {1, []string{"0"}}, {2, []string{"0", "1"}},
		{10, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}},
		{11, []string{"00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10"}},
	} {
		if got := DigitClasses(c.n); !slices.Equal(got, c.want) {
			t.Errorf("DigitClasses(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if i, l := FashionMNISTSplit("d", "train"); i != filepath.Join("d", "train-images-idx3-ubyte.gz") || l != filepath.Join("d", "train-labels-idx1-ubyte.gz") {
		t.Errorf("train split: %s %s", i, l)
	}
}

// WriteTree names files by their index zero-padded to the width of the
// last index: 10 images are 0.png … 9.png, 11 are 00.png … 10.png.
func TestIDXWriteTreeNames(t *testing.T) {
	for _, n := range []int{1, 10, 11} {
		d := &IDX{N: n, Rows: 1, Cols: 1, Pixels: make([]byte, n), Labels: make([]byte, n)}
		for i := range n {
			d.Pixels[i], d.Labels[i] = byte(i), byte(i%2)
		}
		dir := t.TempDir()
		counts, err := d.WriteTree(dir, []string{"even", "odd"})
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{(n + 1) / 2, n / 2}; !slices.Equal(counts, want) {
			t.Errorf("%d images: counts %v, want %v", n, counts, want)
		}
		w := len(fmt.Sprint(n - 1))
		for i := range n {
			p := filepath.Join(dir, []string{"even", "odd"}[i%2], fmt.Sprintf("%0*d.png", w, i))
			if _, err := os.Stat(p); err != nil {
				t.Errorf("%d images: %v", n, err)
			}
		}
	}
}

// scoreTable is a Classifier of 1×2 images that outputs the scores row
// (first pixel) % len(rows), for checking ties and batching.
type scoreTable [][]float32

func (scoreTable) InputShape() []int { return []int{1, 2, 1} }
func (s scoreTable) Predict(x *nn.Tensor) *nn.Tensor {
	y := nn.NewTensor(x.Batch(), len(s[0]))
	for i := range x.Batch() {
		copy(y.Sample(i), s[int(x.Sample(i)[0])%len(s)])
	}
	return y
}

// Classify takes the first of tied scores, and runs 501 images in batches
// of 250, 250 and 1 with every image's prediction in its place.
func TestIDXClassifyTiesAndBatches(t *testing.T) {
	const n = 501
	d := &IDX{N: n, Rows: 1, Cols: 2, Pixels: make([]byte, 2*n), Labels: make([]byte, n)}
	for i := range n {
		d.Pixels[2*i], d.Pixels[2*i+1] = byte(i%4), 9
		d.Labels[i] = byte([]int{1, 0, 2, 2}[i%4])
	}
	scores := scoreTable{{0, 1, 1}, {3, 3, 0}, {-1, -2, 5}, {0, 0, 0}}
	pred, err := d.Classify(scores, 1, []string{"a", "b", "c"}, []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pred {
		if want := []int{1, 0, 2, 0}[i%4]; p != want {
			t.Fatalf("image %d (scores %v): class %d, want %d", i, scores[i%4], p, want)
		}
	}
	// Images ≡ 0, 1, 2 (mod 4) right, ≡ 3 wrong: 376 of 501.
	if acc := d.Accuracy(pred); acc != 376.0/501 {
		t.Errorf("accuracy %v, want 376/501", acc)
	}
	if acc := (&IDX{}).Accuracy(nil); acc != 0 {
		t.Errorf("empty accuracy %v", acc)
	}
	if _, err := d.Classify(scores, 1, []string{"a", "b"}, nil); err == nil || !strings.Contains(err.Error(), "the model has 3 outputs, expected one per class (2)") {
		t.Errorf("outputs vs classes: %v", err)
	}
}

// batchRecorder is a scoreTable that records the batch size of each
// Predict call.
type batchRecorder struct {
	scoreTable
	batches []int
}

func (b *batchRecorder) Predict(x *nn.Tensor) *nn.Tensor {
	b.batches = append(b.batches, x.Batch())
	return b.scoreTable.Predict(x)
}

// Classify runs batches of 250 and then the rest: no empty batch at the
// end, and a short last batch is its own size.
func TestIDXClassifyBatchSizes(t *testing.T) {
	for _, c := range []struct {
		n    int
		want []int
	}{
		{3, []int{3}}, {250, []int{250}}, {500, []int{250, 250}}, {501, []int{250, 250, 1}},
	} {
		d := &IDX{N: c.n, Rows: 1, Cols: 2, Pixels: make([]byte, 2*c.n), Labels: make([]byte, c.n)}
		r := &batchRecorder{scoreTable: scoreTable{{1, 0}}}
		if _, err := d.Classify(r, 1, []string{"a", "b"}, []string{"a", "b"}); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.batches, c.want) {
			t.Errorf("%d images: batches %v, want %v", c.n, r.batches, c.want)
		}
	}
}
