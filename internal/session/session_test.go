package session

import (
	"errors"
	"fmt"
	"image"
	"slices"
	"testing"

	"github.com/convscope/convscope/internal/render"
)

func TestOpenComputesFrame(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("grad.png", "", loaderOf(testImage(40, 30, 1)))
	h.settle()
	f := h.last()
	if f == nil {
		t.Fatal("no frame")
	}
	if f.Input.Name != "grad.png" || h.Frame() != f {
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
	if f.ColorBar == nil || f.ColorBar.Bounds().Dx() != 256 {
		t.Error("no colour bar")
	}
	if h.work["load"] != 1 || h.work["forward"] != 1 {
		t.Errorf("work %v: want one load and one forward pass", h.work)
	}
}

// TestNoWorkOnUIGoroutine drives every kind of request from the test
// goroutine, which plays the UI goroutine (the harness posts to it), and
// checks that loading, forward passes, rendering and inspecting all ran
// elsewhere (the harness fails the test otherwise).
func TestNoWorkOnUIGoroutine(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a", "", loaderOf(testImage(20, 20, 1)))
	h.settle()
	v := h.View()
	v.Colormap = "magma"
	h.SetView(v)
	h.SetModel(tinyModel(t, 16))
	h.settle()
	var got *Inspection
	h.Inspect(h.last().Layers[0], 2, func(in *Inspection) { got = in })
	h.settle()
	if got == nil || got.Image == nil || got.Histogram == nil || got.Kernel == nil || !got.KernelRGB {
		t.Fatalf("inspection %+v", got)
	}
	for _, w := range []string{"load", "forward", "render", "inspect"} {
		if h.work[w] == 0 {
			t.Errorf("no %s recorded: the check would prove nothing", w)
		}
	}
}

func TestOpenErrorKeepsImage(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("good.png", "", loaderOf(testImage(20, 20, 1)))
	h.settle()
	h.Open("bad.png", "", func() (image.Image, error) { return nil, errors.New("corrupt PNG data") })
	h.settle()
	if len(h.frames) != 1 || len(h.errs) != 1 {
		t.Fatalf("%d frames and %d errors, want 1 and 1", len(h.frames), len(h.errs))
	}
	var oe *OpenError
	if !errors.As(h.errs[0], &oe) || oe.Name != "bad.png" {
		t.Errorf("error %v is not an OpenError for bad.png", h.errs[0])
	}
	// The image on screen stays: a view change redraws it.
	v := h.View()
	v.Cols = 2
	h.SetView(v)
	h.settle()
	if got := h.last().Input.Name; got != "good.png" {
		t.Errorf("input after a failed open is %q, want good.png", got)
	}
}

func TestOpenFileMissing(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.OpenFile(t.TempDir() + "/nope.png")
	h.settle()
	if len(h.errs) != 1 {
		t.Fatalf("%d errors, want 1", len(h.errs))
	}
}

func TestBurstsCoalesce(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	for i := range 50 {
		h.Open(fmt.Sprint("img", i), "", loaderOf(testImage(16, 16, i)))
	}
	h.settle()
	if n := len(h.frames); n != 1 {
		t.Errorf("%d frames delivered for a burst, want 1", n)
	}
	if n := h.work["load"]; n < 1 || n > 50 {
		t.Errorf("%d loads", n)
	}
	if got := h.last().Input.Name; got != "img49" {
		t.Errorf("last frame shows %q, want img49", got)
	}
}

func TestSetViewRerendersOnly(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a", "", loaderOf(testImage(16, 16, 2)))
	h.settle()
	f1 := h.last()
	forwards := h.work["forward"]
	v := h.View()
	v.Colormap, v.Scale, v.Cols = "magma", render.MinMax, 2
	h.SetView(v)
	h.settle()
	f2 := h.last()
	if f2 == f1 || f2.View != v {
		t.Fatalf("no new frame for the view %+v", v)
	}
	if f2.Layers[0].Act != f1.Layers[0].Act || h.work["forward"] != forwards {
		t.Error("a view change recomputed the activations")
	}
	if f2.Layers[0].Sheet.Image == f1.Layers[0].Sheet.Image {
		t.Error("a view change reused the on-screen image buffer")
	}
	if got := f2.Layers[0].Sheet.Layout.Cols; got != 2 {
		t.Errorf("%d columns, want 2", got)
	}
	n := len(h.frames)
	h.SetView(v) // the same view again does nothing
	h.settle()
	if len(h.frames) != n {
		t.Errorf("an unchanged view made %d new frames", len(h.frames)-n)
	}
}

func TestViewWidthLimitsColumns(t *testing.T) {
	cases := []struct {
		width, cols, want int
	}{{0, 16, 4}, {1000, 16, 4}, {3 * 33, 16, 3}, {90, 16, 2}, {10, 16, 1}, {1000, 3, 3}}
	for _, c := range cases {
		v := View{Colormap: "viridis", Cols: c.cols, Tile: 30, Width: c.width}
		l := render.NewSheetLayout(10, 10, 4, v.SheetOptions(10, 10, 4))
		if l.Cols != c.want {
			t.Errorf("width %d, cols %d: %d columns, want %d", c.width, c.cols, l.Cols, c.want)
		}
		if c.width > 30 && l.Width > c.width {
			t.Errorf("width %d: sheet is %d wide", c.width, l.Width)
		}
	}
}

func TestSetModelReprocessesInput(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a", "", loaderOf(testImage(30, 30, 3)))
	h.settle()
	m := tinyModel(t, 16)
	h.SetModel(m)
	h.settle()
	f := h.last()
	if got := f.Input.Tensor.Shape; got[1] != 16 || got[2] != 16 {
		t.Fatalf("input shape %v after a 16×16 model", got)
	}
	if got := f.Layers[0].Shape[0]; got != 14 || f.Model != m || h.Model() != m {
		t.Errorf("first map is %d high, want 14", got)
	}
	if h.work["load"] != 1 {
		t.Errorf("%d loads: a new model must not load the image again", h.work["load"])
	}
	// A model of the same input shape that scales pixels differently
	// preprocesses the image again too.
	m2 := tinyModel(t, 16)
	m2.Meta.Rescale = 1
	h.SetModel(m2)
	h.settle()
	if got := h.last().Input.Tensor.Data; slices.Max(got) <= 1 {
		t.Errorf("input values up to %v after a model with rescale 1, want 0..255", slices.Max(got))
	}
}

func TestLiveWeights(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	h.Open("a", "", loaderOf(testImage(12, 12, 4)))
	h.settle()
	before := h.last().Layers[0].Act.Clone()
	other, err := tinyArch(12).Build()
	if err != nil {
		t.Fatal(err)
	}
	other.Init(99)
	if err := h.LiveWeights(other); err != nil {
		t.Fatal(err)
	}
	other.Init(5) // the session copied the weights: changing them now is fine
	h.settle()
	f := h.last()
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
	// Weights of another architecture are ignored.
	n := len(h.frames)
	bad, _ := tinyArch(20).Build()
	if err := h.LiveWeights(bad); err != nil {
		t.Fatal(err)
	}
	h.settle()
	if len(h.frames) != n {
		t.Error("weights of another architecture made a frame")
	}
}

func TestDoAndSave(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	p := t.TempDir() + "/m.safetensors"
	var saved error = errors.New("not called")
	h.SaveModel(p, nil, func(err error) { saved = err })
	h.settle()
	if saved != nil {
		t.Fatal(saved)
	}
	var got *Model
	var gerr error
	h.LoadModel(p, func(m *Model, err error) { got, gerr = m, err })
	h.settle()
	if gerr != nil || got.Label != "m.safetensors" || got.Path != p {
		t.Errorf("loaded %+v, %v", got, gerr)
	}
}

func TestSummary(t *testing.T) {
	h := newHarness(t, tinyModel(t, 12))
	var text string
	h.Summary(tinyArch(12), func(s string) { text = s })
	h.settle()
	if !contains(text, "Total params") {
		t.Errorf("summary %q", text)
	}
}
