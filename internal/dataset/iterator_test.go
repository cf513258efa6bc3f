package dataset

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/convscope/convscope/nn"
)

// idFolder scans a folder of solid 4×4 PNGs: image i of class c has red
// value 50c + i, so every sample can be told apart by its pixels. corrupt
// lists ids whose file is truncated (a valid header, broken data).
func idFolder(t *testing.T, classes, perClass int, opts Options, corrupt ...int) *Folder {
	t.Helper()
	files := map[string][]byte{}
	for c := range classes {
		for i := range perClass {
			id := 50*c + i
			data := encodePNG(t, solid(4, 4, color.NRGBA{uint8(id), 7, 9, 255}))
			for _, b := range corrupt {
				if b == id {
					data = data[:len(data)-20]
				}
			}
			files[fmt.Sprintf("d/class %c/img %02d.png", 'a'+c, i)] = data
		}
	}
	if opts.Height == 0 {
		opts.Height, opts.Width = 2, 2
	}
	f, err := Scan(mapFS(files), "d", opts)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// ids returns the id (red value) of each sample in x.
func ids(x *nn.Tensor) []int {
	out := make([]int, x.Shape[0])
	for i := range out {
		out[i] = int(math.Round(float64(x.Sample(i)[0] * 255)))
	}
	return out
}

// stream reads n samples' ids in batches of b.
func stream(t *testing.T, it *Iterator, b, n int) []int {
	t.Helper()
	x := nn.NewTensor(b, it.h, it.w, it.c)
	y := nn.NewTensor(b, it.targetWidth())
	var out []int
	for len(out) < n {
		if err := it.Next(x, y); err != nil {
			t.Fatal(err)
		}
		out = append(out, ids(x)...)
	}
	return out[:n]
}

func TestIteratorTargets(t *testing.T) {
	for _, tc := range []struct {
		mode    ClassMode
		classes int
		width   int
	}{
		{Binary, 2, 1},
		{Sparse, 3, 1},
		{Categorical, 3, 3},
		{"", 4, 4}, // Keras' default is categorical
	} {
		t.Run(string(tc.mode), func(t *testing.T) {
			it := idFolder(t, tc.classes, 5, Options{ClassMode: tc.mode}).Iterator(7, true, 1)
			defer it.Close()
			x, y := it.NewBatch()
			if !reflect.DeepEqual(y.Shape, []int{7, tc.width}) {
				t.Fatalf("y shape %v, want (7, %d)", y.Shape, tc.width)
			}
			for range 3 {
				if err := it.Next(x, y); err != nil {
					t.Fatal(err)
				}
				for i, id := range ids(x) {
					class := id / 50
					target := y.Sample(i)
					switch {
					case tc.width == 1 && target[0] != float32(class):
						t.Fatalf("sample %d (class %d): target %v", id, class, target)
					case tc.width > 1:
						for k, v := range target {
							if want := float32(0); k == class && v != 1 || k != class && v != want {
								t.Fatalf("sample %d (class %d): one-hot target %v", id, class, target)
							}
						}
					}
				}
			}
		})
	}
}

func TestIteratorPixelLayout(t *testing.T) {
	// A 3×2 picture with a different value in every channel of every pixel.
	img := solid(3, 2, color.NRGBA{})
	for y := range 2 {
		for x := range 3 {
			img.SetNRGBA(x, y, color.NRGBA{uint8(10*y + x), uint8(100 + 10*y + x), uint8(200 + 10*y + x), 255})
		}
	}
	data := encodePNG(t, img)
	fsys := mapFS(map[string][]byte{"d/a/1.png": data, "d/b/1.png": data})
	for _, mode := range []ColorMode{RGB, Grayscale} {
		f, err := Scan(fsys, "d", Options{Height: 2, Width: 3, ColorMode: mode})
		if err != nil {
			t.Fatal(err)
		}
		it := f.Iterator(1, false, 0)
		x, y := it.NewBatch()
		if err := it.Next(x, y); err != nil {
			t.Fatal(err)
		}
		it.Close()
		c := mode.Channels()
		if !reflect.DeepEqual(x.Shape, []int{1, 2, 3, c}) {
			t.Fatalf("x shape %v, want (1, 2, 3, %d): NHWC", x.Shape, c)
		}
		r := float32(DefaultRescale)
		for py := range 2 {
			for px := range 3 {
				p := img.NRGBAAt(px, py)
				want := []float32{float32(p.R) * r, float32(p.G) * r, float32(p.B) * r}
				if c == 1 {
					want = []float32{float32(luma(p.R, p.G, p.B)) * r}
				}
				got := x.Data[(py*3+px)*c : (py*3+px+1)*c]
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s pixel (%d, %d) = %v, want %v", mode, px, py, got, want)
				}
			}
		}
		for _, v := range x.Data {
			if v < 0 || v > 1 {
				t.Fatalf("value %v outside [0, 1]", v)
			}
		}
	}
}

func TestIteratorOrder(t *testing.T) {
	f := idFolder(t, 2, 5, Options{})
	all := []int{0, 1, 2, 3, 4, 50, 51, 52, 53, 54}

	t.Run("unshuffled runs on across passes", func(t *testing.T) {
		it := f.Iterator(4, false, 0)
		defer it.Close()
		got := stream(t, it, 4, 24)
		want := append(append(append([]int{}, all...), all...), all[:4]...)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %v\nwant %v", got, want)
		}
	})
	t.Run("each shuffled pass is a new permutation", func(t *testing.T) {
		it := f.Iterator(3, true, 42)
		defer it.Close()
		got := stream(t, it, 3, 30)
		var passes [3][]int
		for p := range passes {
			passes[p] = append([]int{}, got[10*p:10*p+10]...)
			sorted := append([]int{}, passes[p]...)
			sort.Ints(sorted)
			if !reflect.DeepEqual(sorted, all) {
				t.Errorf("pass %d = %v is not a permutation of every sample", p, passes[p])
			}
		}
		if reflect.DeepEqual(passes[0], passes[1]) || reflect.DeepEqual(passes[1], passes[2]) || reflect.DeepEqual(passes[0], all) {
			t.Errorf("passes should be reshuffled: %v", passes)
		}
	})
	t.Run("the seed alone fixes the order", func(t *testing.T) {
		ref := f.Iterator(5, true, 9)
		defer ref.Close()
		want := stream(t, ref, 5, 40)
		for _, opts := range []Options{{Workers: 1}, {Workers: 3}, {CacheBytes: -1}, {Workers: 2, CacheBytes: -1}} {
			g := idFolder(t, 2, 5, opts)
			it := g.Iterator(5, true, 9)
			if got := stream(t, it, 5, 40); !reflect.DeepEqual(got, want) {
				t.Errorf("%+v: %v\nwant %v", opts, got, want)
			}
			it.Close()
		}
		other := f.Iterator(5, true, 10)
		defer other.Close()
		if got := stream(t, other, 5, 40); reflect.DeepEqual(got, want) {
			t.Error("another seed should give another order")
		}
	})
	t.Run("batch size may change between calls", func(t *testing.T) {
		it := f.Iterator(4, false, 0)
		defer it.Close()
		got := append(stream(t, it, 3, 3), stream(t, it, 4, 8)...)
		if want := append(append([]int{}, all...), 0); !reflect.DeepEqual(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}

func TestIteratorSkipsCorruptFiles(t *testing.T) {
	f := idFolder(t, 2, 5, Options{ClassMode: Binary}, 2, 53)
	if len(f.Files) != 10 {
		t.Fatalf("truncated files pass the header check: want 10 files, got %d", len(f.Files))
	}
	it := f.Iterator(4, true, 3)
	defer it.Close()
	got := stream(t, it, 4, 32) // four passes of the 8 good samples
	for p := range 4 {
		pass := append([]int{}, got[8*p:8*p+8]...)
		sort.Ints(pass)
		if want := []int{0, 1, 3, 4, 50, 51, 52, 54}; !reflect.DeepEqual(pass, want) {
			t.Errorf("pass %d: %v, want %v", p, pass, want)
		}
	}
	skipped := it.Skipped()
	if len(skipped) != 2 {
		t.Fatalf("skipped %v, want the 2 corrupt files once each", skipped)
	}
	names := []string{skipped[0].Path, skipped[1].Path}
	sort.Strings(names)
	if want := []string{"d/class a/img 02.png", "d/class b/img 03.png"}; !reflect.DeepEqual(names, want) {
		t.Errorf("skipped %v, want %v", names, want)
	}
	if r := it.Report(); !strings.HasPrefix(r, "Skipped 2 unreadable files:") || !strings.Contains(r, "corrupt or truncated png") {
		t.Errorf("report %q", r)
	}
}

func TestIteratorAllCorrupt(t *testing.T) {
	f := idFolder(t, 2, 2, Options{}, 0, 1, 50, 51)
	it := f.Iterator(2, true, 0)
	defer it.Close()
	x, y := it.NewBatch()
	err := it.Next(x, y)
	if err == nil || !strings.Contains(err.Error(), "none of the 4 images could be loaded") || !strings.Contains(err.Error(), "corrupt or truncated") {
		t.Fatalf("error %v", err)
	}
	if err2 := it.Next(x, y); err2 != err {
		t.Errorf("second call: %v, want the same error", err2)
	}
}

func TestIteratorOrientedJPEG(t *testing.T) {
	jpg := withOrientation(encodeJPEG(t, quadImage(32, 24), 100), 6, false)
	f, err := Scan(mapFS(map[string][]byte{"d/a/p.jpg": jpg, "d/b/p.jpg": jpg}), "d", Options{Height: 2, Width: 2, Rescale: 1})
	if err != nil {
		t.Fatal(err)
	}
	it := f.Iterator(1, false, 0)
	defer it.Close()
	x, y := it.NewBatch()
	if err := it.Next(x, y); err != nil {
		t.Fatal(err)
	}
	// Turned a quarter clockwise: the stored bottom-left is now top-left.
	if tl := x.Data[:3]; math.Abs(float64(tl[0])-float64(quadBL[0])) > 8 || math.Abs(float64(tl[2])-float64(quadBL[2])) > 8 {
		t.Errorf("top-left %v, want ≈ %v", tl, quadBL)
	}
}

func TestIteratorClose(t *testing.T) {
	before := runtime.NumGoroutine()
	f := idFolder(t, 2, 3, Options{Workers: 3})
	it := f.Iterator(2, true, 0)
	x, y := it.NewBatch()
	if err := it.Next(x, y); err != nil {
		t.Fatal(err)
	}
	if err := it.Close(); err != nil {
		t.Fatal(err)
	}
	it.Close() // twice is fine
	if err := it.Next(x, y); err != ErrClosed {
		t.Errorf("Next after Close: %v, want ErrClosed", err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before", n, before)
	}
	unused := f.Iterator(2, true, 0)
	unused.Close()
	if err := unused.Next(x, y); err != ErrClosed {
		t.Errorf("Next on an iterator closed before use: %v", err)
	}
}

func TestIteratorShapePanics(t *testing.T) {
	it := idFolder(t, 2, 2, Options{ClassMode: Categorical}).Iterator(2, false, 0)
	defer it.Close()
	for _, tc := range []struct {
		x, y *nn.Tensor
		want string
	}{
		{nn.NewTensor(2, 3, 2, 3), nn.NewTensor(2, 2), "x is Tensor(2, 3, 2, 3), expected (n, 2, 2, 3)"},
		{nn.NewTensor(2, 2, 2, 3), nn.NewTensor(2, 1), "y is Tensor(2, 1), expected (2, 2)"},
		{nn.NewTensor(2, 2, 2, 3), nn.NewTensor(3, 2), "y is Tensor(3, 2), expected (2, 2)"},
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), tc.want) {
					t.Errorf("panic %v, want %q", r, tc.want)
				}
			}()
			it.Next(tc.x, tc.y)
		}()
	}
}

func TestIteratorCounts(t *testing.T) {
	it := idFolder(t, 2, 5, Options{}).Iterator(3, true, 0)
	defer it.Close()
	if it.Len() != 10 || it.StepsPerEpoch() != 4 || it.BatchSize() != 3 || it.Prefetch() < 6 {
		t.Errorf("Len %d, StepsPerEpoch %d, BatchSize %d, Prefetch %d", it.Len(), it.StepsPerEpoch(), it.BatchSize(), it.Prefetch())
	}
}
