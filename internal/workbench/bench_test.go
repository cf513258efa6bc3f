package workbench

import (
	"errors"
	"fmt"
	"image"
	"sync"
	"testing"
	"time"

	"github.com/convscope/convscope/internal/render"
)

// recorder collects a bench's callbacks.
type recorder struct {
	mu     sync.Mutex
	frames []*Frame
	errs   []error
}

func newRecordedBench(m *Model) (*Bench, *recorder) {
	r := &recorder{}
	b := NewBench(m)
	b.OnFrame = func(f *Frame) { r.mu.Lock(); r.frames = append(r.frames, f); r.mu.Unlock() }
	b.OnError = func(err error) { r.mu.Lock(); r.errs = append(r.errs, err); r.mu.Unlock() }
	return b, r
}

func (r *recorder) counts() (int, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.frames), len(r.errs)
}

func (r *recorder) last() *Frame {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.frames) == 0 {
		return nil
	}
	return r.frames[len(r.frames)-1]
}

func TestBenchOpenComputesFrame(t *testing.T) {
	b, r := newRecordedBench(tinyModel(t, 12))
	defer b.Close()
	b.Open("grad.png", "", loaderOf(testImage(40, 30, 1)))
	b.Wait()
	f := r.last()
	if f == nil {
		t.Fatal("no frame")
	}
	if f.Input.Name != "grad.png" {
		t.Errorf("input name %q", f.Input.Name)
	}
	if got := f.Input.Preview.Bounds(); got != image.Rect(0, 0, 40, 30) {
		t.Errorf("preview of a small image is %v, want the image itself", got)
	}
	if got := f.Input.Seen.Bounds(); got != image.Rect(0, 0, 12, 12) {
		t.Errorf("preprocessed bounds %v, want 12×12", got)
	}
	want := []struct {
		name  string
		shape [3]int
	}{{"conv2d_1", [3]int{10, 10, 4}}, {"max_pooling2d_1", [3]int{5, 5, 4}}, {"conv2d_2", [3]int{3, 3, 6}}}
	if len(f.Layers) != len(want) {
		t.Fatalf("%d layers, want %d", len(f.Layers), len(want))
	}
	for i, w := range want {
		l := f.Layers[i]
		if l.Name != w.name || [3]int(l.Shape) != w.shape {
			t.Errorf("layer %d: %s %v, want %s %v", i, l.Name, l.Shape, w.name, w.shape)
		}
		if l.Sheet == nil || l.Sheet.Image == nil || l.Sheet.Layout.C != w.shape[2] {
			t.Errorf("layer %d: sheet missing or wrong: %+v", i, l.Sheet)
		}
		if l.Min > l.Max {
			t.Errorf("layer %d: range [%v, %v]", i, l.Min, l.Max)
		}
	}
	p := f.Prediction
	if !p.Binary || len(p.Top) != 2 || p.Top[0].Prob < p.Top[1].Prob {
		t.Fatalf("prediction %+v", p)
	}
	if s := p.Top[0].Prob + p.Top[1].Prob; s < 0.999 || s > 1.001 {
		t.Errorf("binary probabilities sum to %v", s)
	}
	if p.Top[0].Name != "dark" && p.Top[0].Name != "light" {
		t.Errorf("class name %q", p.Top[0].Name)
	}
}

func TestBenchOpenErrorKeepsImage(t *testing.T) {
	b, r := newRecordedBench(tinyModel(t, 12))
	defer b.Close()
	b.Open("good.png", "", loaderOf(testImage(20, 20, 1)))
	b.Wait()
	b.Open("bad.png", "", func() (image.Image, error) { return nil, errors.New("corrupt PNG data") })
	b.Wait()
	nf, ne := r.counts()
	if nf != 1 || ne != 1 {
		t.Fatalf("%d frames and %d errors, want 1 and 1", nf, ne)
	}
	var oe *OpenError
	if !errors.As(r.errs[0], &oe) || oe.Name != "bad.png" {
		t.Errorf("error %v is not an OpenError for bad.png", r.errs[0])
	}
	if got := b.Input().Name; got != "good.png" {
		t.Errorf("input after a failed open is %q, want good.png", got)
	}
}

func TestBenchOpenFileMissing(t *testing.T) {
	b, r := newRecordedBench(tinyModel(t, 12))
	defer b.Close()
	b.OpenFile(t.TempDir() + "/nope.png")
	b.Wait()
	if _, ne := r.counts(); ne != 1 {
		t.Fatalf("%d errors, want 1", ne)
	}
}

func TestBenchCoalescesBursts(t *testing.T) {
	b, r := newRecordedBench(tinyModel(t, 12))
	defer b.Close()
	for i := range 50 {
		b.Open(fmt.Sprint("img", i), "", loaderOf(testImage(16, 16, i)))
	}
	b.Wait()
	nf, _ := r.counts()
	if nf < 1 || nf > 50 {
		t.Fatalf("%d frames", nf)
	}
	if got := r.last().Input.Name; got != "img49" {
		t.Errorf("last frame shows %q, want img49", got)
	}
	if got := b.Frame().Input.Name; got != "img49" {
		t.Errorf("bench frame shows %q, want img49", got)
	}
}

func TestBenchSetViewRerendersOnly(t *testing.T) {
	b, r := newRecordedBench(tinyModel(t, 12))
	defer b.Close()
	b.Open("a", "", loaderOf(testImage(16, 16, 2)))
	b.Wait()
	f1 := r.last()
	v := b.View()
	v.Colormap = "magma"
	v.Scale = render.MinMax
	v.Cols = 2
	b.SetView(v)
	b.Wait()
	f2 := r.last()
	if f2 == f1 || f2.View != v {
		t.Fatalf("no new frame for the view %+v", v)
	}
	if f2.Layers[0].Act != f1.Layers[0].Act {
		t.Error("a view change recomputed the activations")
	}
	if f2.Layers[0].Sheet.Image == f1.Layers[0].Sheet.Image {
		t.Error("a view change reused the on-screen image buffer")
	}
	if got := f2.Layers[0].Sheet.Layout.Cols; got != 2 {
		t.Errorf("%d columns, want 2", got)
	}
	// Setting the same view again does nothing.
	n, _ := r.counts()
	b.SetView(v)
	b.Wait()
	if n2, _ := r.counts(); n2 != n {
		t.Errorf("an unchanged view made %d new frames", n2-n)
	}
}

func TestViewWidthLimitsColumns(t *testing.T) {
	cases := []struct {
		width, cols, want int
	}{{0, 16, 4}, {1000, 16, 4}, {3 * 33, 16, 3}, {90, 16, 2}, {10, 16, 1}, {1000, 3, 3}}
	for _, c := range cases {
		v := View{Colormap: "viridis", Cols: c.cols, Tile: 30, Width: c.width}
		o := v.SheetOptions(10, 10, 4)
		l := render.NewSheetLayout(10, 10, 4, o)
		if l.Cols != c.want {
			t.Errorf("width %d, cols %d: %d columns, want %d", c.width, c.cols, l.Cols, c.want)
		}
		if c.width > 30 && l.Width > c.width {
			t.Errorf("width %d: sheet is %d wide", c.width, l.Width)
		}
	}
}

func TestBenchSetModelReprocessesInput(t *testing.T) {
	b, r := newRecordedBench(tinyModel(t, 12))
	defer b.Close()
	b.Open("a", "", loaderOf(testImage(30, 30, 3)))
	b.Wait()
	b.SetModel(tinyModel(t, 16))
	b.Wait()
	f := r.last()
	if got := f.Input.Tensor.Shape; got[1] != 16 || got[2] != 16 {
		t.Fatalf("input shape %v after a 16×16 model", got)
	}
	if got := f.Layers[0].Shape[0]; got != 14 {
		t.Errorf("first map is %d high, want 14", got)
	}
}

func TestBenchLiveWeights(t *testing.T) {
	m := tinyModel(t, 12)
	b, r := newRecordedBench(m)
	defer b.Close()
	b.Open("a", "", loaderOf(testImage(12, 12, 4)))
	b.Wait()
	before := r.last().Layers[0].Act.Clone()
	other, err := tinyArch(12).Build()
	if err != nil {
		t.Fatal(err)
	}
	other.Init(99)
	if err := b.LiveWeights(other); err != nil {
		t.Fatal(err)
	}
	b.Wait()
	f := r.last()
	if !f.Live {
		t.Error("frame after live weights is not marked live")
	}
	same := true
	for i, v := range f.Layers[0].Act.Data {
		if v != before.Data[i] {
			same = false
			break
		}
	}
	if same {
		t.Error("activations did not change with new weights")
	}
	wrong, _ := tinyArch(16).Build()
	_ = wrong
	bad, _ := (&Model{Net: mustBuild(t, 20)}).CloneNet()
	if err := b.LiveWeights(bad); err == nil {
		t.Error("LiveWeights accepted another architecture")
	}
}

func TestBenchMemoryBounded(t *testing.T) {
	// Many images in a row keep only the last frame alive.
	b, r := newRecordedBench(tinyModel(t, 12))
	defer b.Close()
	b.OnFrame = nil
	_ = r
	for i := range 20 {
		b.Open("x", "", loaderOf(testImage(64, 64, i)))
		b.Wait()
	}
	if b.Frame() == nil {
		t.Fatal("no frame")
	}
}

func TestBenchWaitTimesOutNever(t *testing.T) {
	b := NewBench(tinyModel(t, 12))
	done := make(chan struct{})
	go func() { b.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Wait blocks on an idle bench")
	}
	b.Close()
}

func TestBenchReleaseRecyclesSheets(t *testing.T) {
	b, r := newRecordedBench(tinyModel(t, 12))
	defer b.Close()
	b.Open("a", "", loaderOf(testImage(16, 16, 1)))
	b.Wait()
	f1 := r.last()
	img1 := f1.Layers[0].Sheet.Image
	b.Release(f1) // the current frame: ignored
	if f1.Layers[0].Sheet == nil {
		t.Fatal("Release recycled the frame on screen")
	}
	b.Open("b", "", loaderOf(testImage(16, 16, 2)))
	b.Wait()
	f2 := r.last()
	if f2.Layers[0].Sheet.Image == img1 {
		t.Fatal("a frame reused the buffers of a frame that was not released")
	}
	b.Release(f1)
	if f1.Layers[0].Sheet != nil {
		t.Error("a released frame keeps its sheets")
	}
	b.Open("c", "", loaderOf(testImage(16, 16, 3)))
	b.Wait()
	f3 := r.last()
	if f3.Layers[0].Sheet.Image != img1 {
		t.Error("the released buffers were not reused")
	}
	if f2.Layers[0].Sheet.Image == f3.Layers[0].Sheet.Image {
		t.Error("the frame on screen shares buffers with the new one")
	}
}
