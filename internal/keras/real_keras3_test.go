package keras

import (
	"archive/zip"
	"io"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/hdf5"
)

// TestRealKeras3File reads a file Keras 3 itself wrote (see its NOTICE): the
// weights layout matches what make_fixtures.py writes, and the subclassed
// model is refused in one line.
func TestRealKeras3File(t *testing.T) {
	const path = "testdata/keras3-nested-container.keras"
	_, _, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), `model class "NestedDenseModel" is not supported`) {
		t.Errorf("Load: err = %v", err)
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var data []byte
	for _, f := range zr.File {
		if f.Name == "model.weights.h5" {
			rc, _ := f.Open()
			data, _ = io.ReadAll(rc)
			rc.Close()
		}
	}
	h, err := hdf5.Open(strings.NewReader(string(data)), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	root, err := h.Root()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path  string
		shape [2]int
	}{{"layers/dense/vars/0", [2]int{4, 4}}, {"layers/dense_2/vars/0", [2]int{4, 4}}, {"layers/dense_3/vars/0", [2]int{4, 2}}} {
		ds, err := root.Dataset(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if s := ds.Shape(); len(s) != 2 || s[0] != tc.shape[0] || s[1] != tc.shape[1] {
			t.Errorf("%s: shape %v, want %v", tc.path, s, tc.shape)
		}
		if _, err := ds.ReadFloat32(); err != nil {
			t.Error(err)
		}
	}
	g, err := root.Group("layers/dense_3/vars")
	if err != nil {
		t.Fatal(err)
	}
	a, err := g.Attr("name")
	if err != nil || a == nil {
		t.Fatalf("vars name attribute: %v", err)
	}
	if s, _ := a.String(); s != "dense" {
		t.Errorf("name = %q, want dense", s)
	}
}
