package dataset

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// numbered scans a folder with the given number of images per class,
// named <class>/<class>.<i>.png.
func numbered(t *testing.T, counts map[string]int) *Folder {
	t.Helper()
	png := encodePNG(t, quadImage(4, 4))
	files := map[string][]byte{}
	for class, n := range counts {
		for i := range n {
			files[fmt.Sprintf("d/%s/%s.%03d.png", class, class, i)] = png
		}
	}
	f, err := Scan(mapFS(files), "d", Options{ClassMode: Sparse})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func paths(files []File) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Path
	}
	return out
}

func TestSplitKerasSemantics(t *testing.T) {
	f := numbered(t, map[string]int{"cats": 10, "dogs": 7})
	train, val, err := f.Split(0.3)
	if err != nil {
		t.Fatal(err)
	}
	// Keras: per class, files[:int(0.3·n)] validate, the rest train.
	wantVal := []string{"d/cats/cats.000.png", "d/cats/cats.001.png", "d/cats/cats.002.png", "d/dogs/dogs.000.png", "d/dogs/dogs.001.png"}
	if got := paths(val.Files); !reflect.DeepEqual(got, wantVal) {
		t.Errorf("validation %v, want %v", got, wantVal)
	}
	if len(train.Files) != 12 || train.Files[0].Path != "d/cats/cats.003.png" || train.Files[7].Path != "d/dogs/dogs.002.png" {
		t.Errorf("training %v", paths(train.Files))
	}
	checkPartition(t, f, train, val)
	if !reflect.DeepEqual(train.Classes, f.Classes) || !reflect.DeepEqual(val.Classes, f.Classes) {
		t.Error("subsets must keep the classes")
	}
}

// checkPartition asserts that train and val are disjoint and cover f.
func checkPartition(t *testing.T, f, train, val *Folder) {
	t.Helper()
	seen := map[File]int{}
	for _, x := range train.Files {
		seen[x]++
	}
	for _, x := range val.Files {
		if seen[x] > 0 {
			t.Errorf("%v is in both subsets", x)
		}
		seen[x]++
	}
	for _, x := range f.Files {
		if seen[x] != 1 {
			t.Errorf("%v appears %d times, want once", x, seen[x])
		}
	}
	if len(seen) != len(f.Files) {
		t.Errorf("subsets hold %d files, the folder %d", len(seen), len(f.Files))
	}
}

func TestShuffleSplit(t *testing.T) {
	f := numbered(t, map[string]int{"a": 50, "b": 40})
	train, val, err := f.ShuffleSplit(0.2, 7)
	if err != nil {
		t.Fatal(err)
	}
	checkPartition(t, f, train, val)
	counts := val.ClassCounts()
	if !reflect.DeepEqual(counts, []int{10, 8}) {
		t.Errorf("validation class counts %v, want [10 8]", counts)
	}
	_, val2, _ := f.ShuffleSplit(0.2, 7)
	if !reflect.DeepEqual(val.Files, val2.Files) {
		t.Error("the same seed must give the same split")
	}
	_, val3, _ := f.ShuffleSplit(0.2, 8)
	if reflect.DeepEqual(val.Files, val3.Files) {
		t.Error("another seed should give another split")
	}
	_, kerasVal, _ := f.Split(0.2)
	if reflect.DeepEqual(val.Files, kerasVal.Files) {
		t.Error("a shuffled split should not be the first images")
	}
	for i := 1; i < len(val.Files); i++ {
		if a, b := val.Files[i-1], val.Files[i]; a.Class == b.Class && a.Path > b.Path {
			t.Errorf("validation files not in sorted order: %s before %s", a.Path, b.Path)
		}
	}
}

func TestSplitErrors(t *testing.T) {
	f := numbered(t, map[string]int{"cats": 10, "dogs": 3})
	for _, tc := range []struct {
		fraction float64
		want     string
	}{
		{0, "between 0 and 1"},
		{1, "between 0 and 1"},
		{-0.2, "between 0 and 1"},
		{math.NaN(), "between 0 and 1"},
		{0.2, "class folder d/dogs (3 images) leaves no validation images"},
	} {
		_, _, err := f.Split(tc.fraction)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Split(%v): %v, want %q", tc.fraction, err, tc.want)
		}
		_, _, err = f.ShuffleSplit(tc.fraction, 1)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ShuffleSplit(%v): %v, want %q", tc.fraction, err, tc.want)
		}
	}
}
