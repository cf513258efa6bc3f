package dataset

import (
	"bytes"
	"fmt"
	"image"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

func mustGen(t testing.TB, opts GenOptions) *Generated {
	t.Helper()
	g, err := NewGenerated(opts)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGeneratedDeterministic(t *testing.T) {
	g := mustGen(t, GenOptions{Seed: 3, Classes: AllShapes})
	a, ca := g.Sample(17)
	for range 3 {
		g.Sample(int(ca)) // draw others in between: no hidden state
	}
	b, cb := mustGen(t, GenOptions{Seed: 3, Classes: AllShapes}).Sample(17)
	if ca != cb || !bytes.Equal(a.Pix, b.Pix) {
		t.Error("image 17 differs between two generators with the same seed")
	}
	c, _ := mustGen(t, GenOptions{Seed: 4, Classes: AllShapes}).Sample(17)
	if bytes.Equal(a.Pix, c.Pix) {
		t.Error("another seed should draw another image")
	}
	d, _ := g.Sample(18)
	if bytes.Equal(a.Pix, d.Pix) {
		t.Error("images 17 and 18 are the same")
	}
	dst := image.NewRGBA(image.Rect(0, 0, 150, 150))
	if n := testing.AllocsPerRun(5, func() { g.Draw(dst, 5) }); n != 0 {
		t.Errorf("Draw allocates %v times", n)
	}
	if b := a.Bounds(); b.Dx() != 150 || b.Dy() != 150 {
		t.Errorf("size %v, want 150×150", b)
	}
	for i := 3; i < len(a.Pix); i += 4 {
		if a.Pix[i] != 255 {
			t.Fatal("images must be opaque")
		}
	}
}

func TestGeneratedClassesBalanced(t *testing.T) {
	for _, classes := range [][]string{BinaryShapes, AllShapes} {
		g := mustGen(t, GenOptions{Seed: 1, Classes: classes})
		k := len(classes)
		counts := make([]int, k)
		same := 0
		for block := range 200 {
			seen := make([]bool, k)
			for j := range k {
				c := g.Class(block*k + j)
				if seen[c] {
					t.Fatalf("block %d has class %d twice", block, c)
				}
				seen[c] = true
				counts[c]++
			}
			if g.Class(block*k) == 0 {
				same++
			}
		}
		if same == 200 || same == 0 {
			t.Errorf("%v: the order within blocks should vary", classes)
		}
	}
}

// TestOnlyTheShapeDependsOnTheClass plans the same image with every shape:
// everything but the shape's kind must be identical.
func TestOnlyTheShapeDependsOnTheClass(t *testing.T) {
	for i := range 50 {
		var ref scene
		ref.plan(9, i, kindCircle, 150, 0.5)
		for k := kindCircle; k <= kindTriangle; k++ {
			var s scene
			s.plan(9, i, k, 150, 0.5)
			// The shape's own parameter, and the bounding box it widens.
			s.shape.kind, s.shape.p = ref.shape.kind, ref.shape.p
			s.shape.x0, s.shape.y0, s.shape.x1, s.shape.y1 = ref.shape.x0, ref.shape.y0, ref.shape.x1, ref.shape.y1
			if !reflect.DeepEqual(s, ref) {
				t.Fatalf("image %d: planning a %v changes more than the shape", i, AllShapes[k])
			}
		}
	}
}

// TestColourDoesNotGiveTheClassAway checks that simple colour statistics
// are the same for every class: the mean and spread of each channel.
func TestColourDoesNotGiveTheClassAway(t *testing.T) {
	g := mustGen(t, GenOptions{Seed: 5, Size: 32})
	const n = 400
	var sum, sq [2][3]float64
	var cnt [2]float64
	for i := range n {
		img, c := g.Sample(i)
		for p := 0; p < len(img.Pix); p += 4 {
			for ch := range 3 {
				v := float64(img.Pix[p+ch]) / 255
				sum[c][ch] += v
				sq[c][ch] += v * v
			}
		}
		cnt[c] += float64(len(img.Pix) / 4)
	}
	for ch := range 3 {
		m0, m1 := sum[0][ch]/cnt[0], sum[1][ch]/cnt[1]
		s0, s1 := math.Sqrt(sq[0][ch]/cnt[0]-m0*m0), math.Sqrt(sq[1][ch]/cnt[1]-m1*m1)
		if math.Abs(m0-m1) > 0.03 || math.Abs(s0-s1) > 0.03 {
			t.Errorf("channel %d: class means %.3f vs %.3f, spreads %.3f vs %.3f", ch, m0, m1, s0, s1)
		}
	}
}

func TestShapeGeometry(t *testing.T) {
	inside := func(k shapeKind, p, u, v float64) bool {
		e := element{kind: k, r: 10, p: p, ax: 1, ay: 1}
		return e.sdf(u, v) < 0
	}
	for _, tc := range []struct {
		name string
		kind shapeKind
		p    float64
		u, v float64
		want bool
	}{
		{"circle centre", kindCircle, 0, 0, 0, true},
		{"circle edge", kindCircle, 0, 9.9, 0, true},
		{"circle outside", kindCircle, 0, 7.5, 7.5, false},
		{"square corner region", kindSquare, 0, 7.5, 7.5, true},
		{"square outside", kindSquare, 0, 9.2, 0, false},
		{"cross arm", kindCross, 3, 9, 0, true},
		{"cross notch", kindCross, 3, 6, 6, false},
		{"triangle centroid", kindTriangle, 0, 0, 0, true},
		{"triangle apex", kindTriangle, 0, 0, -11, true},
		{"triangle beyond its base", kindTriangle, 0, 0, 7, false},
		{"star centre", kindStar, 0.5, 0, 0, true},
		{"star point", kindStar, 0.5, 0, -9.5, true},
		{"star between points", kindStar, 0.5, 7, -6.5, false},
		{"line", kindLine, 2, 9, 0.5, true},
		{"line side", kindLine, 2, 0, 1.5, false},
	} {
		if got := inside(tc.kind, tc.p, tc.u, tc.v); got != tc.want {
			t.Errorf("%s: inside = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestNewGeneratedErrors(t *testing.T) {
	for _, tc := range []struct {
		opts GenOptions
		want string
	}{
		{GenOptions{Classes: []string{"circles"}}, "at least two classes"},
		{GenOptions{Classes: []string{"circles", "hexagons"}}, `unknown shape class "hexagons"`},
		{GenOptions{Classes: []string{"circles", "circles"}}, "listed twice"},
		{GenOptions{Difficulty: 1.5}, "difficulty must be in (0, 1]"},
		{GenOptions{Difficulty: -1}, "difficulty must be in (0, 1]"},
		{GenOptions{Size: 8}, "at least 16 pixels"},
		{GenOptions{Size: 100000}, "at most 4096, received 100000"}, // ran out of memory
		{GenOptions{Classes: AllShapes, ClassMode: Binary}, "needs exactly 2 classes"},
		{GenOptions{ClassMode: "onehot"}, "class mode must be"},
	} {
		if _, err := NewGenerated(tc.opts); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.opts, err, tc.want)
		}
	}
	g := mustGen(t, GenOptions{Classes: []string{"squares", "circles"}})
	if got := g.Classes(); !reflect.DeepEqual(got, []string{"circles", "squares"}) {
		t.Errorf("classes %v, want sorted as flow_from_directory sorts folders", got)
	}
	if o := g.Options(); o.ClassMode != Binary || o.Size != 150 || o.Difficulty != DefaultDifficulty {
		t.Errorf("defaults %+v", o)
	}
	if o := mustGen(t, GenOptions{Classes: AllShapes}).Options(); o.ClassMode != Categorical {
		t.Errorf("multi-class default mode %q, want categorical", o.ClassMode)
	}
}

func TestGeneratedIterator(t *testing.T) {
	g := mustGen(t, GenOptions{Seed: 2, Size: 24, Classes: AllShapes})
	for _, tc := range []struct {
		name     string
		first, n int
		shuffle  bool
	}{{"endless", 100, 0, false}, {"fixed set", 10, 6, false}, {"fixed set shuffled", 10, 6, true}} {
		t.Run(tc.name, func(t *testing.T) {
			it := g.Iterator(tc.first, tc.n, 4, tc.shuffle, 1)
			defer it.Close()
			x, y := it.NewBatch()
			if !reflect.DeepEqual(x.Shape, []int{4, 24, 24, 3}) || !reflect.DeepEqual(y.Shape, []int{4, 5}) {
				t.Fatalf("shapes %v %v", x.Shape, y.Shape)
			}
			seen := map[int]int{}
			for range 3 {
				if err := it.Next(x, y); err != nil {
					t.Fatal(err)
				}
				for s := range 4 {
					i := findSample(t, g, x, s, tc.first, max(tc.n, 100))
					seen[i]++
					if y.Sample(s)[g.Class(i)] != 1 {
						t.Errorf("sample of image %d: target %v, class %d", i, y.Sample(s), g.Class(i))
					}
				}
			}
			if tc.n == 0 && len(seen) != 12 {
				t.Errorf("endless stream repeated images: %v", seen)
			}
			if tc.n > 0 && len(seen) != tc.n {
				t.Errorf("fixed set of %d: saw %v", tc.n, seen)
			}
		})
	}
}

// findSample returns the index in [first, first+n) of the generated image
// that sample s of x is, checking its pixels (·1/255) exactly.
func findSample(t *testing.T, g *Generated, x *nn.Tensor, s, first, n int) int {
	t.Helper()
	got := x.Sample(s)
	for i := first; i < first+n; i++ {
		img, _ := g.Sample(i)
		match := true
		for p := 0; p < len(got)/3 && match; p++ {
			for c := range 3 {
				if got[3*p+c] != float32(img.Pix[4*p+c])*float32(DefaultRescale) {
					match = false
					break
				}
			}
		}
		if match {
			return i
		}
	}
	t.Fatalf("sample %d is no generated image in [%d, %d)", s, first, first+n)
	return -1
}

func TestWriteTree(t *testing.T) {
	g := mustGen(t, GenOptions{Seed: 8, Size: 32})
	dir := filepath.Join(t.TempDir(), "shapes data")
	if err := g.WriteTutorialTree(dir, 6, 4, 2); err != nil {
		t.Fatal(err)
	}
	for part, want := range map[string]int{"train": 6, "validation": 4, "test": 2} {
		f, err := ScanDir(filepath.Join(dir, part), Options{Height: 32, Width: 32, ClassMode: Binary})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(f.Classes, g.Classes()) || len(f.Files) != want || len(f.Bad) != 0 || len(f.Ignored) != 0 {
			t.Errorf("%s: %s %v bad %v ignored %v", part, f, f.Classes, f.Bad, f.Ignored)
		}
	}
	// The files are the images, and their folder is their class.
	f, err := ScanDir(filepath.Join(dir, "validation"), Options{Height: 32, Width: 32, ClassMode: Binary})
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range f.Files {
		var i int
		base := filepath.Base(file.Path)
		if _, err := fmt.Sscanf(base[strings.IndexByte(base, '.')+1:], "%d.png", &i); err != nil {
			t.Fatal(err)
		}
		if i < 6 || i >= 10 || g.Class(i) != file.Class {
			t.Errorf("%s: index %d, class %d; want index in [6, 10), class %d", file.Path, i, file.Class, g.Class(i))
		}
		img, err := LoadImageFile(filepath.Join(dir, "validation", filepath.FromSlash(file.Path)), 0)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := g.Sample(i)
		got, err := PreprocessedImage(img, Options{Height: 32, Width: 32})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Pix, want.Pix) {
			t.Errorf("%s differs from image %d", file.Path, i)
		}
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if strings.HasPrefix(d.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
	// An unwritable destination names the file.
	blocker := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocker, nil, 0o644)
	if err := g.WriteTree(blocker, 0, 2); err == nil || !strings.Contains(err.Error(), blocker) {
		t.Errorf("writing under a file: %v", err)
	}
}

// BenchmarkGenerate draws one 150×150 image per op, on all cores.
func BenchmarkGenerate(b *testing.B) {
	g := mustGen(b, GenOptions{Seed: 1, Classes: AllShapes})
	b.ReportAllocs()
	cpu := cpuSeconds()
	b.RunParallel(func(pb *testing.PB) {
		dst := image.NewRGBA(image.Rect(0, 0, 150, 150))
		i := 0
		for pb.Next() {
			g.Draw(dst, i)
			i++
		}
	})
	reportRates(b, b.N, cpu)
}

// ExampleGenerated draws the built-in dataset's first images.
func ExampleGenerated() {
	g, err := NewGenerated(GenOptions{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	img, class := g.Sample(0)
	fmt.Println(g.Classes(), img.Bounds().Size(), g.Classes()[class])
	for i := range 6 {
		fmt.Print(g.Class(i), " ")
	}
	fmt.Println()
	// Output:
	// [circles crosses] (150,150) crosses
	// 1 0 0 1 0 1
}
