package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

func TestScanLayout(t *testing.T) {
	png := encodePNG(t, quadImage(8, 6))
	jpg := encodeJPEG(t, quadImage(8, 6), 90)
	fsys := mapFS(map[string][]byte{
		"data/dogs/dog.2.png":            png,
		"data/dogs/dog.10.png":           png,
		"data/dogs/Dog Ünïcode 🐶.PNG":    png,
		"data/cats/cat.1.jpg":            jpg,
		"data/cats/sub/cat.0.png":        png,
		"data/cats/.DS_Store":            []byte("mac"),
		"data/cats/._cat.1.jpg":          []byte("resource fork"),
		"data/cats/.thumbs/x.png":        png,
		"data/cats/notes.txt":            []byte("notes"),
		"data/cats/IMG_0001.HEIC":        []byte("heic"),
		"data/cats/README":               []byte("no extension"),
		"data/.hidden class/x.png":       png,
		"data/__MACOSX/cats/._cat.1.jpg": []byte("zip residue"),
		"data/readme.md":                 []byte("a file beside the classes"),
	})
	f, err := Scan(fsys, "data", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"cats", "dogs"}; !reflect.DeepEqual(f.Classes, want) {
		t.Errorf("classes %q, want %q", f.Classes, want)
	}
	want := []File{
		{"data/cats/cat.1.jpg", 0},
		{"data/cats/sub/cat.0.png", 0},
		{"data/dogs/Dog Ünïcode 🐶.PNG", 1},
		{"data/dogs/dog.10.png", 1},
		{"data/dogs/dog.2.png", 1},
	}
	if !reflect.DeepEqual(f.Files, want) {
		t.Errorf("files\n%v\nwant (Keras order: folder, then byte-wise name)\n%v", f.Files, want)
	}
	if want := map[string]int{".txt": 1, ".heic": 1, "": 1}; !reflect.DeepEqual(f.Ignored, want) {
		t.Errorf("ignored %v, want %v", f.Ignored, want)
	}
	if len(f.Bad) != 0 {
		t.Errorf("bad %v, want none", f.Bad)
	}
	if got, want := f.String(), "Found 5 images belonging to 2 classes."; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	report := f.Report()
	for _, s := range []string{"Found 5 images belonging to 2 classes (cats: 2, dogs: 3) in data.", "Ignored 3 files", ".heic ×1", "no extension ×1"} {
		if !strings.Contains(report, s) {
			t.Errorf("report %q lacks %q", report, s)
		}
	}
}

func TestScanClassesOption(t *testing.T) {
	png := encodePNG(t, quadImage(8, 6))
	fsys := mapFS(map[string][]byte{"d/a/1.png": png, "d/b/1.png": png, "d/c/1.png": png})
	f, err := Scan(fsys, "d", Options{Classes: []string{"c", "a"}, ClassMode: Sparse})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Classes, []string{"c", "a"}) || f.Files[0].Path != "d/c/1.png" || f.Files[1].Class != 1 {
		t.Errorf("classes %v files %v: want the given order c, a", f.Classes, f.Files)
	}
}

func TestScanErrors(t *testing.T) {
	png := encodePNG(t, quadImage(8, 6))
	truncated := png[:len(png)-20]
	tests := []struct {
		name  string
		files map[string][]byte
		opts  Options
		want  []string // substrings of the error
	}{
		{"missing folder", map[string][]byte{"other/a/1.png": png}, Options{}, []string{"cannot read folder data"}},
		{"images but no class subfolders", map[string][]byte{"data/1.png": png, "data/2.png": png}, Options{}, []string{"folder data holds 2 images but no class subfolders", "data/cats"}},
		{"nothing at all", map[string][]byte{"data/readme.txt": nil}, Options{}, []string{"folder data has no subfolders", "one subfolder per class"}},
		{"one class", map[string][]byte{"data/cats/1.png": png}, Options{}, []string{"only one class subfolder (cats)", "at least two"}},
		{"class without images", map[string][]byte{"data/cats/1.png": png, "data/dogs/notes.txt": nil}, Options{}, []string{"class folder data/dogs has no usable images", "every class subfolder"}},
		{"class with only unreadable images", map[string][]byte{"data/cats/1.png": png, "data/dogs/1.png": nil, "data/dogs/2.jpg": []byte("text")},
			Options{}, []string{"class folder data/dogs has no usable images", "2 unreadable files were skipped", "data/dogs/1.png: empty file"}},
		{"no images anywhere", map[string][]byte{"data/cats/a.txt": nil, "data/dogs/b.txt": nil}, Options{}, []string{"folder data has no usable images", ".jpg"}},
		{"binary needs two classes", map[string][]byte{"data/a/1.png": png, "data/b/1.png": png, "data/c/1.png": png}, Options{ClassMode: Binary},
			[]string{`class mode "binary" needs exactly 2 class subfolders`, "has 3 (a, b, c)"}},
		{"unknown class in Classes", map[string][]byte{"data/a/1.png": png, "data/b/1.png": png}, Options{Classes: []string{"a", "z"}}, []string{`no class subfolder "z" (found: a, b)`}},
		{"bad option", map[string][]byte{"data/a/1.png": png, "data/b/1.png": png}, Options{ClassMode: "multi"}, []string{`class mode must be "binary", "categorical" or "sparse", received "multi"`}},
		{"bad size", map[string][]byte{"data/a/1.png": png, "data/b/1.png": png}, Options{Height: -1}, []string{"target size must be positive"}},
		{"truncated files pass the scan", map[string][]byte{"data/a/1.png": truncated, "data/b/1.png": truncated}, Options{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Scan(mapFS(tc.files), "data", tc.opts)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, s := range tc.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestScanSkipsAndReportsBadFiles(t *testing.T) {
	png := encodePNG(t, quadImage(8, 6))
	files := map[string][]byte{
		"data/cats/empty.jpg":     nil,
		"data/cats/notes.jpg":     []byte("this is text"),
		"data/cats/bomb.png":      pngHeaderOnly(20000, 20000),
		"data/cats/huge ok.png":   pngHeaderOnly(100, 100), // passes the header check
		"data/dogs/mis-named.gif": png,                     // a PNG named .gif: content decides
	}
	for i := range 3 {
		files[fmt.Sprintf("data/cats/c%d.png", i)] = png
		files[fmt.Sprintf("data/dogs/d%d.png", i)] = png
	}
	f, err := Scan(mapFS(files), "data", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.ClassCounts(); !reflect.DeepEqual(got, []int{4, 4}) {
		t.Errorf("class counts %v, want [4 4]", got)
	}
	wantBad := map[string]error{
		"data/cats/bomb.png":  nil,
		"data/cats/empty.jpg": ErrEmpty,
		"data/cats/notes.jpg": ErrUnknownFormat,
	}
	if len(f.Bad) != len(wantBad) {
		t.Fatalf("bad %v, want %d", f.Bad, len(wantBad))
	}
	for _, b := range f.Bad {
		want, ok := wantBad[b.Path]
		if !ok {
			t.Errorf("unexpected bad file %v", b)
			continue
		}
		var pl *PixelLimitError
		if want == nil && !errors.As(b.Err, &pl) || want != nil && !errors.Is(b.Err, want) {
			t.Errorf("%s: %v, want %v", b.Path, b.Err, want)
		}
	}
	report := f.Report()
	for _, s := range []string{"Skipped 3 unreadable files:", "data/cats/empty.jpg: empty file (0 bytes)", "data/cats/bomb.png: image is 20000×20000"} {
		if !strings.Contains(report, s) {
			t.Errorf("report\n%s\nlacks %q", report, s)
		}
	}
}

func TestReportListsFirstFew(t *testing.T) {
	var bad []BadFile
	for i := range 8 {
		bad = append(bad, BadFile{Path: fmt.Sprintf("f%d.jpg", i), Err: ErrEmpty})
	}
	r := skippedReport(bad)
	if !strings.HasPrefix(r, "Skipped 8 unreadable files:") || !strings.Contains(r, "f4.jpg") || strings.Contains(r, "f5.jpg") || !strings.HasSuffix(r, "… and 3 more") {
		t.Errorf("report:\n%s", r)
	}
	if r := skippedReport(bad[:1]); r != "Skipped 1 unreadable file:\n  f0.jpg: empty file (0 bytes)" {
		t.Errorf("one file: %q", r)
	}
}

func TestScanDir(t *testing.T) {
	root := filepath.Join(t.TempDir(), "mes données", "train set")
	png := encodePNG(t, solid(4, 4, color.NRGBA{1, 2, 3, 255}))
	for _, p := range []string{"chats/chat été 1.png", "chats/chat 2.png", "dogs/dög 1.png"} {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "dogs", "empty.png"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A class folder that is a symbolic link to a folder elsewhere.
	birds := filepath.Join(t.TempDir(), "birds")
	if err := os.MkdirAll(birds, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(birds, "b.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(birds, filepath.Join(root, "birds")); err != nil {
		t.Fatal(err)
	}
	f, err := ScanDir(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Classes, []string{"birds", "chats", "dogs"}) || len(f.Files) != 4 {
		t.Fatalf("classes %v, files %v", f.Classes, f.Files)
	}
	if want := filepath.Join(root, "dogs", "empty.png"); len(f.Bad) != 1 || f.Bad[0].Path != want {
		t.Errorf("bad %v, want the OS path %s", f.Bad, want)
	}
	it := f.Iterator(4, false, 0)
	defer it.Close()
	x, y := it.NewBatch()
	if err := it.Next(x, y); err != nil {
		t.Fatal(err)
	}
	// As Keras: x *= rescale in float32.
	if r := float32(DefaultRescale); x.Data[0] != 1*r || x.Data[1] != 2*r || x.Data[2] != 3*r {
		t.Errorf("first pixel %v, want (1, 2, 3)·float32(1/255)", x.Data[:3])
	}
	_, err = ScanDir(filepath.Join(root, "nope"), Options{})
	if err == nil || !strings.Contains(err.Error(), filepath.Join(root, "nope")) {
		t.Errorf("missing folder: %v, want its OS path named", err)
	}
}

// exampleImage is a small PNG for examples.
func exampleImage() []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, quadImage(8, 6)); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// ExampleScan shows Keras' summary line and the class order.
func ExampleScan() {
	img := exampleImage()
	fsys := fstest.MapFS{
		"train/dogs/dog.1.png": {Data: img},
		"train/cats/cat.1.png": {Data: img},
		"train/cats/cat.2.png": {Data: img},
		"train/cats/notes.txt": {Data: []byte("not an image")},
	}
	f, err := Scan(fsys, "train", Options{ClassMode: Binary})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f)
	fmt.Println(f.Classes)
	fmt.Println(f.Report())
	// Output:
	// Found 3 images belonging to 2 classes.
	// [cats dogs]
	// Found 3 images belonging to 2 classes (cats: 2, dogs: 1) in train.
	// Ignored 1 file without an image extension (.txt ×1); expected .bmp .gif .jpeg .jpg .png .tif .tiff .webp.
}
