package hdf5

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// value is make_fixtures.py's value(i) = (i % 97) * 0.25 - 3.
func value(i int) float32 { return float32(i%97)*0.25 - 3 }

func open(t *testing.T, name string) *Group {
	t.Helper()
	f, err := OpenFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	root, err := f.Root()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestDatasets(t *testing.T) {
	type want struct {
		path  string
		shape []int
		dtype string
		add   float32 // added to value(i)
	}
	f16 := want{"g/f16", []int{5, 2}, "float16", 0}
	common := []want{
		{"g/f32", []int{3, 4}, "float32", 0},
		{"g/f32be", []int{3, 4}, "float32", 0},
		{"g/f64", []int{2, 3, 5}, "float64", 0},
		{"g/f64be", []int{7}, "float64", 0},
		{"g/scalar", []int{}, "float32", 0},
		{"g/compact", []int{5}, "float32", 0},
		{"/g/deep/er/leaf", []int{2}, "float32", 0},
	}
	chunked := []want{
		{"chunked/gzip_shuffle", []int{10, 7}, "float32", 0},
		{"chunked/plain", []int{5, 5, 3}, "float32", 0},
		{"chunked/fletcher", []int{9}, "float64", 0},
		{"chunked/many", []int{300}, "float32", 0},
		{"many/d00", []int{1}, "float32", 0},
		{"many/d39", []int{1}, "float32", 39},
	}
	for _, tc := range []struct {
		file string
		sb   int
		ds   []want
	}{
		{"earliest.h5", 0, append(append(common, f16), chunked...)},
		{"latest.h5", 3, common},
		{"userblock.h5", 0, []want{{"x", []int{4}, "float32", 0}}},
		{"v108.h5", 2, []want{{"x", []int{4}, "float32", 0}}},
		{"small_chunked.h5", 0, []want{{"z", []int{6, 5}, "float32", 0}, {"c", []int{7}, "float64", 0}}},
	} {
		root := open(t, tc.file)
		if v := root.f.SuperblockVersion(); v != tc.sb {
			t.Errorf("%s: superblock version %d, want %d", tc.file, v, tc.sb)
		}
		for _, w := range tc.ds {
			ds, err := root.Dataset(w.path)
			if err != nil {
				t.Errorf("%s: %v", tc.file, err)
				continue
			}
			if !slices.Equal(ds.Shape(), w.shape) || ds.DType() != w.dtype {
				t.Errorf("%s %s: shape %v %s, want %v %s", tc.file, w.path, ds.Shape(), ds.DType(), w.shape, w.dtype)
			}
			v, err := ds.ReadFloat32()
			if err != nil {
				t.Errorf("%s: %v", tc.file, err)
				continue
			}
			into := make([]float32, len(v))
			if err := ds.ReadFloat32Into(into); err != nil || !slices.Equal(into, v) {
				t.Errorf("%s %s: ReadFloat32Into = %v, %v; ReadFloat32 = %v", tc.file, w.path, into, err, v)
			}
			if err := ds.ReadFloat32Into(make([]float32, len(v)+1)); err == nil || !strings.Contains(err.Error(), "values, expected") {
				t.Errorf("%s %s: ReadFloat32Into a wrong-sized slice: err = %v", tc.file, w.path, err)
			}
			for i, x := range v {
				if x != value(i)+w.add {
					t.Errorf("%s %s[%d] = %v, want %v", tc.file, w.path, i, x, value(i)+w.add)
					break
				}
			}
		}
	}
}

func TestIntegers(t *testing.T) {
	root := open(t, "earliest.h5")
	ds, err := root.Dataset("g/i16be")
	if err != nil {
		t.Fatal(err)
	}
	v, err := ds.ReadFloat32()
	if err != nil {
		t.Fatal(err)
	}
	// numpy's astype truncates toward zero: -3, -2.75→-2, -2.5→-2, …
	want := []float32{-3, -2, -2, -2, -2, -1}
	if !slices.Equal(v, want) {
		t.Errorf("i16be = %v, want %v", v, want)
	}
}

func TestAttributes(t *testing.T) {
	for _, file := range []string{"earliest.h5", "latest.h5"} {
		root := open(t, file)
		get := func(name string) *Attribute {
			a, err := root.Attr(name)
			if err != nil || a == nil {
				t.Fatalf("%s: attribute %s: %v", file, name, err)
			}
			return a
		}
		if s, err := get("vlen").String(); err != nil || s != "a variable-length string" {
			t.Errorf("%s: vlen = %q, %v", file, s, err)
		}
		if s, err := get("fixed").Strings(); err != nil || !slices.Equal(s, []string{"conv2d_1", "dense"}) {
			t.Errorf("%s: fixed = %q, %v", file, s, err)
		}
		if s, err := get("empty").Strings(); err != nil || len(s) != 0 {
			t.Errorf("%s: empty = %q, %v", file, s, err)
		}
		if v, err := get("number").Floats(); err != nil || !slices.Equal(v, []float32{2.5}) {
			t.Errorf("%s: number = %v, %v", file, v, err)
		}
		if _, err := get("number").Strings(); err == nil || !strings.Contains(err.Error(), "expected strings") {
			t.Errorf("%s: number as strings: err = %v", file, err)
		}
		if a, err := root.Attr("nope"); a != nil || err != nil {
			t.Errorf("%s: missing attribute = %v, %v", file, a, err)
		}
	}
}

func TestMembersAndWalk(t *testing.T) {
	root := open(t, "earliest.h5")
	g, err := root.Group("many")
	if err != nil {
		t.Fatal(err)
	}
	names, err := g.Members()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 40 || names[0] != "d00" || names[39] != "d39" {
		t.Errorf("members = %v", names)
	}
	for _, file := range []string{"earliest.h5", "latest.h5"} {
		var paths []string
		err := open(t, file).Walk(func(o *Object) error { paths = append(paths, o.Path()); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(paths, "/g/deep/er/leaf") || !slices.Contains(paths, "/g/f32") {
			t.Errorf("%s: walk = %v", file, paths)
		}
	}
}

func TestErrors(t *testing.T) {
	good, err := os.ReadFile("testdata/earliest.h5")
	if err != nil {
		t.Fatal(err)
	}
	read := func(data []byte, path string) error {
		f, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return err
		}
		root, err := f.Root()
		if err != nil {
			return err
		}
		ds, err := root.Dataset(path)
		if err != nil {
			return err
		}
		_, err = ds.ReadFloat32()
		return err
	}
	file := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name string
		data []byte
		path string
		want string
	}{
		{"empty", nil, "g/f32", "not an HDF5 file"},
		{"wrong signature", append([]byte("\x89HDX\r\n\x1a\n"), good[8:]...), "g/f32", "not an HDF5 file"},
		{"truncated superblock", good[:40], "g/f32", "superblock is truncated"},
		{"truncated", good[:len(good)-2000], "many/d39", "outside the file"},
		{"missing", good, "g/nope", "/g/nope not found"},
		{"not a group", good, "g/f32/x", "/g/f32 is not a group"},
		{"a group", good, "g", "/g is not a dataset"},
		{"huge", file("bad_huge.h5"), "huge", "/huge: dataspace [536870912] declares more elements than the file can hold"},
		{"strings", good, "g", "not a dataset"},
		{"dense links", file("dense_links.h5"), "d0", "uses dense link storage (a fractal heap)"},
	}
	for _, tc := range cases {
		err := read(tc.data, tc.path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "hdf5: ") {
			t.Errorf("%s: err = %v, want one line containing %q", tc.name, err, tc.want)
		}
	}
}

func TestCycle(t *testing.T) {
	root := open(t, "bad_cycle.h5")
	err := root.Walk(func(*Object) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "cycle: /a/b/loop") {
		t.Errorf("err = %v, want a cycle at /a/b/loop", err)
	}
	// Following the path explicitly is fine: it is finite.
	if _, err := root.Group("a/b/loop/b/loop/b"); err != nil {
		t.Error(err)
	}
}

// FuzzOpen opens arbitrary bytes as HDF5 and reads everything: it must never
// panic, and never allocate more than the data justifies (the fuzzer's
// memory limit catches that).
func FuzzOpen(f *testing.F) {
	for _, name := range []string{"latest.h5", "userblock.h5", "bad_cycle.h5", "bad_huge.h5", "small_chunked.h5"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		readAll(data)
	})
}

// readAll reads every object and attribute of data, ignoring errors.
func readAll(data []byte) {
	f, err := Open(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return
	}
	root, err := f.Root()
	if err != nil {
		return
	}
	visit := func(o *Object) error {
		if as, err := o.Attrs(); err == nil {
			for _, a := range as {
				a.Strings()
				a.Floats()
			}
		}
		if !o.IsGroup() {
			if ds, err := o.dataset(); err == nil {
				ds.ReadFloat32()
			}
		}
		return nil
	}
	visit(&root.Object)
	root.Walk(visit)
}
