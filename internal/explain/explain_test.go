package explain

import (
	"context"
	"image"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/colormap"
	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// TestBlindStrip: 2×2 pooling of conv2d_4's 15×15 output drops its last row
// and column, so the right and bottom 8 pixels of the 150×150 input cannot
// change the score: their gradient is exactly zero (and, with it, every
// gradient method's map), while the pixels just inside are not.
func TestBlindStrip(t *testing.T) {
	m, x := tutorialModel(t)
	e := New(FromSequential(m))
	for _, method := range []Method{Saliency, Guided, IntegratedGradients} {
		r, err := e.Explain(context.Background(), x, Options{Method: method, Class: Predicted, Steps: 4})
		if err != nil {
			t.Fatal(err)
		}
		var inside float64
		for i := 0; i < 150; i++ {
			for j := 0; j < 150; j++ {
				for c := 0; c < 3; c++ {
					v := r.Raw[(i*150+j)*3+c]
					if (i >= 142 || j >= 142) && v != 0 {
						t.Fatalf("%s: pixel (%d, %d, %d) in the blind strip has %g, expected exactly 0", method, i, j, c, v)
					}
					if i == 141 || j == 141 {
						inside += math.Abs(float64(v))
					}
				}
			}
		}
		if inside == 0 {
			t.Errorf("%s: row and column 141 are all zero: the strip is wider than 8 pixels", method)
		}
		h := r.Heat()
		if h.Values[149*150+149] != 0 || h.Values[0] == 0 && h.Values[141*150+100] == 0 {
			t.Errorf("%s: heat map does not show the strip as zero", method)
		}
	}
}

// TestCompleteness: Integrated Gradients with 32 steps (default rule) on
// the embedded (trained) tutorial model: Σ IG is within 1 % of
// s(x) − s(0). Four of the eight sample images, the two circles with the
// largest gaps under the uniform midpoint rule (4 % and 6 %) and two
// crosses; all eight measured 0.04–0.3 %.
func TestCompleteness(t *testing.T) {
	wm, err := model.Default(assets.DefaultModel, []string{"circles", "crosses"})
	if err != nil || !wm.Trained {
		t.Fatalf("embedded model: %v (trained %v)", err, wm != nil && wm.Trained)
	}
	var paths []string
	for _, p := range []string{"circles/circles.000001", "circles/circles.000005", "crosses/crosses.000000", "crosses/crosses.000002"} {
		paths = append(paths, filepath.Join("..", "..", "assets", "samples", p+".png"))
	}
	e := New(FromSequential(wm.Net))
	x := make([]float32, 150*150*3)
	for _, p := range paths {
		img, err := dataset.LoadImageFile(p, dataset.DefaultMaxPixels)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := dataset.Preprocess(x, img, wm.Prep()); err != nil {
			t.Fatal(err)
		}
		r, err := e.Explain(context.Background(), x, Options{Method: IntegratedGradients, Class: Predicted})
		if err != nil {
			t.Fatal(err)
		}
		c := r.Completeness
		if !(c.Gap <= 0.01) {
			t.Errorf("%s: Σ IG = %.6g, s(x) − s(0) = %.6g: gap %.3g > 1 %%", filepath.Base(p), c.Sum, c.Delta, c.Gap)
		}
		t.Logf("%s: class %d, score %.4g, Σ IG %.6g, Δ %.6g, gap %.2g", filepath.Base(p), r.Class, r.Score, c.Sum, c.Delta, c.Gap)
	}
}

func TestPathWeights(t *testing.T) {
	for _, rule := range []Rule{Graded, Midpoint, Trapezoid, GaussLegendre} {
		for _, m := range []int{2, 7, 32} {
			a, w := pathWeights(m, rule)
			var sum, mom1, mom2 float64
			for k := range a {
				if a[k] < 0 || a[k] > 1 || w[k] <= 0 {
					t.Fatalf("%s m=%d: node %d at %g weight %g", rule, m, k, a[k], w[k])
				}
				sum += w[k]
				mom1 += w[k] * a[k]
				mom2 += w[k] * a[k] * a[k]
			}
			if math.Abs(sum-1) > 1e-12 || math.Abs(mom1-0.5) > 0.5/float64(m) {
				t.Errorf("%s m=%d: Σw = %.15g, Σwα = %.15g", rule, m, sum, mom1)
			}
			if rule == GaussLegendre && math.Abs(mom2-1.0/3) > 1e-12 {
				t.Errorf("Gauss-Legendre m=%d: Σwα² = %.15g, expected 1/3", m, mom2)
			}
		}
	}
}

// TestGeometry: conv2d_4's cell (i, j) is centred on input pixel
// (18.5 + 8i, 18.5 + 8j) (receptive field 38, jump 8), max_pooling2d_4's on
// 22.5 + 16i; a single hot cell, upsampled, peaks there.
func TestGeometry(t *testing.T) {
	m, _ := tutorialModel(t)
	s := FromSequential(m)
	want := map[string][2]float64{"conv2d_1": {1, 1}, "max_pooling2d_1": {1.5, 2}, "conv2d_4": {18.5, 8}, "max_pooling2d_4": {22.5, 16}}
	for _, n := range s.Nodes() {
		if w, ok := want[n.Name]; ok && (n.Geom.Start != [2]float64{w[0], w[0]} || n.Geom.Jump != [2]float64{w[1], w[1]} || !n.Geom.Known) {
			t.Errorf("%s: geometry %+v, expected start %g jump %g", n.Name, n.Geom, w[0], w[1])
		}
		if n.Name == "flatten_1" && n.Geom.Known {
			t.Error("flatten_1 has a geometry")
		}
	}
	if d := DefaultLayer(s.Nodes()); d != "conv2d_4" {
		t.Errorf("DefaultLayer = %q, expected conv2d_4", d)
	}
	grid := make([]float32, 15*15)
	grid[3*15+5] = 1
	g := Geometry{Start: [2]float64{18.5, 18.5}, Jump: [2]float64{8, 8}, Known: true}
	up := Upsample(grid, 15, 15, g, 150, 150)
	best := 0
	for i, v := range up {
		if v > up[best] {
			best = i
		}
	}
	if r, c := best/150, best%150; r != 42 || c != 58 {
		t.Errorf("peak at (%d, %d), expected (42, 58) (its mirror (43, 59) has the same value)", r, c)
	}
	if up[42*150+58] != up[43*150+59] || up[42*150+58] != 0.9375*0.9375 {
		t.Errorf("peak values %g, %g, expected both (1 − 0.5/8)²", up[42*150+58], up[43*150+59])
	}
	// Unknown geometry: half-pixel stretch, like cv2.resize.
	flat := Upsample([]float32{0, 1}, 1, 2, Geometry{}, 1, 4)
	if !slices.Equal(flat, []float32{0, 0.25, 0.75, 1}) {
		t.Errorf("stretch: %v, expected [0 0.25 0.75 1]", flat)
	}
}

func TestNormalize(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	cases := []struct {
		name      string
		in        []float32
		flat      bool
		nonFinite int
		note      string
		want      []float32
	}{
		{"ordinary", []float32{0, 1, 2, 4}, false, 0, "", []float32{0, 0.25, 0.5, 1}},
		{"zero", []float32{0, 0, 0, 0}, true, 0, "every value is 0", []float32{0, 0, 0, 0}},
		{"constant", []float32{3, 3, 3, 3}, true, 0, "every value is 3", []float32{0, 0, 0, 0}},
		{"nan", []float32{0, nan, 2, 1}, false, 1, "1 non-finite", []float32{0, 0, 1, 0.5}},
		{"inf", []float32{inf, 1, 2, 0}, false, 1, "1 non-finite", []float32{0, 0.5, 1, 0}},
		{"all nan", []float32{nan, nan, nan, nan}, true, 4, "no finite values", []float32{0, 0, 0, 0}},
		{"nan and constant", []float32{nan, 5, 5, 5}, true, 1, "every value is 5", []float32{0, 0, 0, 0}},
	}
	for _, c := range cases {
		h := Normalize(c.in, 2, 2)
		if h.Flat != c.flat || h.NonFinite != c.nonFinite || !strings.Contains(h.Note, c.note) || !slices.Equal(h.Values, c.want) {
			t.Errorf("%s: flat %v, non-finite %d, note %q, values %v; expected %v, %d, %q, %v",
				c.name, h.Flat, h.NonFinite, h.Note, h.Values, c.flat, c.nonFinite, c.note, c.want)
		}
		for _, v := range h.Values {
			if math.IsNaN(float64(v)) {
				t.Errorf("%s: NaN in the display map", c.name)
			}
		}
		if n, u, ok := h.At(1, 1); !ok || n != c.want[3] || !(u == float64(c.in[3]) || math.IsNaN(u)) {
			t.Errorf("%s: At(1, 1) = %g, %g, %v", c.name, n, u, ok)
		}
		if _, _, ok := h.At(2, 0); ok {
			t.Errorf("%s: At outside the map is ok", c.name)
		}
	}
}

// TestFlatGradCAM: a model whose score does not depend on the input (all
// weights zero but the output bias) gives a flat Grad-CAM map that says
// so, never NaN, and an overlay that leaves the image as it is.
func TestFlatGradCAM(t *testing.T) {
	m, x := tutorialModel(t)
	for _, p := range m.Params() {
		clear(p.Value)
	}
	m.Params()[len(m.Params())-1].Value[0] = 0.5
	e := New(FromSequential(m))
	for _, method := range []Method{GradCAM, GradCAMPlusPlus, Saliency, IntegratedGradients} {
		r, err := e.Explain(context.Background(), x, Options{Method: method, Class: Predicted, Steps: 2})
		if err != nil {
			t.Fatal(err)
		}
		if r.Class != 1 || r.Score != 0.5 {
			t.Errorf("%s: class %d score %g, expected 1 and 0.5", method, r.Class, r.Score)
		}
		h := r.Heat()
		if !h.Flat || !strings.Contains(h.Note, "flat map") {
			t.Errorf("%s: flat %v note %q", method, h.Flat, h.Note)
		}
		base, err := BaseImage(nil, x, 150, 150, 3)
		if err != nil {
			t.Fatal(err)
		}
		img, err := Overlay(nil, base, h, mustMap(t, DefaultColormap), 0.5)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(img.Pix, base.Pix) {
			t.Errorf("%s: a flat map changed the image", method)
		}
	}
}

// TestClasses: for one sigmoid unit, class 0's score is −z and its input
// gradient the negation of class 1's.
func TestClasses(t *testing.T) {
	m, x := tutorialModel(t)
	e := New(FromSequential(m))
	r1, err := e.Explain(context.Background(), x, Options{Method: Saliency, Class: 1})
	if err != nil {
		t.Fatal(err)
	}
	r0, err := e.Explain(context.Background(), x, Options{Method: Saliency, Class: 0})
	if err != nil {
		t.Fatal(err)
	}
	if r0.Score != -r1.Score || r0.Predicted != r1.Predicted {
		t.Errorf("scores %g and %g, predicted %d and %d", r0.Score, r1.Score, r0.Predicted, r1.Predicted)
	}
	for i, v := range r1.Raw {
		if r0.Raw[i] != -v {
			t.Fatalf("gradient %d: class 0 %g, class 1 %g", i, r0.Raw[i], v)
		}
	}
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Method: Saliency, Class: 2}, "expected a class index 0..1, received 2"},
		{Options{Method: GradCAM, Class: Predicted, Layer: "dense_1"}, "needs a layer with a (height, width, channels) output"},
		{Options{Method: GradCAM, Class: Predicted, Layer: "conv9"}, `received "conv9"`},
		{Options{Method: "lime", Class: Predicted}, `received "lime"`},
	} {
		if _, err := e.Explain(context.Background(), x, c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, expected %q", c.o, err, c.want)
		}
	}
	if _, err := e.Explain(context.Background(), x[:10], Options{Method: Saliency, Class: Predicted}); err == nil {
		t.Error("short input: no error")
	}
}

// TestSmoothGrad: seeded (the same seed, the same map), and with vanishing
// noise it is the plain gradient.
func TestSmoothGrad(t *testing.T) {
	m, err := nn.NewSequential([]int{12, 12, 3},
		nn.NewConv2D(4, 3, 3, nn.WithActivation("relu")), nn.NewMaxPooling2D(2, 2),
		nn.NewFlatten(), nn.NewDense(3, nn.WithActivation("softmax")))
	if err != nil {
		t.Fatal(err)
	}
	m.Init(4)
	x := make([]float32, 12*12*3)
	for i := range x {
		x[i] = float32(hash01(uint32(i), 7))
	}
	e := New(FromSequential(m))
	o := Options{Method: SmoothGrad, Class: 2, Samples: 5, Seed: 3, Batch: 2}
	a, _ := e.Explain(context.Background(), x, o)
	b, _ := e.Explain(context.Background(), x, o)
	if !slices.Equal(a.Raw, b.Raw) {
		t.Error("same seed, different maps")
	}
	o.Seed = 4
	if c, _ := e.Explain(context.Background(), x, o); slices.Equal(a.Raw, c.Raw) {
		t.Error("different seeds, same map")
	}
	o.Noise = 1e-9
	s, _ := e.Explain(context.Background(), x, o)
	g, _ := e.Explain(context.Background(), x, Options{Method: Saliency, Class: 2})
	for i, v := range g.Raw {
		if math.Abs(float64(s.Raw[i]-v)) > 1e-5 {
			t.Fatalf("noise → 0: value %d is %g, gradient %g", i, s.Raw[i], v)
		}
	}
	var calls int
	ctx, cancel := context.WithCancel(context.Background())
	o.Progress = func(done, total int) {
		calls++
		if done == 2 {
			cancel()
		}
	}
	if _, err := e.Explain(ctx, x, o); err == nil || calls != 1 {
		t.Errorf("cancel: error %v after %d passes, expected context.Canceled after 1", err, calls)
	}
}

func mustMap(t *testing.T, name string) *colormap.Map {
	t.Helper()
	m, err := colormap.ByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestSanityCheck: randomising the tutorial model from the top down
// changes the Grad-CAM map: the first step is the trained map itself
// (Spearman 1), the fully random model's map has lost most of its rank
// order, and the original model is untouched.
func TestSanityCheck(t *testing.T) {
	m, x := tutorialModel(t)
	before := slices.Clone(m.Params()[0].Value)
	steps, err := SanityCheck(context.Background(), FromSequential(m), x, Options{Method: GradCAM, Class: Predicted}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range steps[1:] {
		names = append(names, s.Randomized)
	}
	want := []string{"dense_2", "dense_1", "conv2d_4", "conv2d_3", "conv2d_2", "conv2d_1"}
	if !slices.Equal(names, want) {
		t.Errorf("randomised %v, expected %v", names, want)
	}
	if steps[0].Spearman != 1 || steps[0].Randomized != "" {
		t.Errorf("step 0: %+v", steps[0])
	}
	for _, s := range steps {
		t.Logf("%-9s Spearman %.3f flat %v", s.Randomized, s.Spearman, s.Heat.Flat)
	}
	if last := steps[len(steps)-1]; !(math.Abs(last.Spearman) < 0.5) {
		t.Errorf("fully randomised: Spearman %.3f, expected |ρ| < 0.5", last.Spearman)
	}
	if !slices.Equal(before, m.Params()[0].Value) {
		t.Error("the sanity check changed the model's weights")
	}
}

// TestGuidedGradCAM: guided Grad-CAM is guided backprop times the
// normalised, upsampled Grad-CAM map.
func TestGuidedGradCAM(t *testing.T) {
	m, x := tutorialModel(t)
	e := New(FromSequential(m))
	gg, err := e.Explain(context.Background(), x, Options{Method: GuidedGradCAM, Class: Predicted})
	if err != nil {
		t.Fatal(err)
	}
	gb, _ := e.Explain(context.Background(), x, Options{Method: Guided, Class: Predicted})
	cam, _ := e.Explain(context.Background(), x, Options{Method: GradCAM, Class: Predicted})
	up := Upsample(cam.Raw, 15, 15, cam.Geom, 150, 150)
	top := slices.Max(up)
	if gg.Layer != "conv2d_4" || top <= 0 {
		t.Fatalf("layer %q, Grad-CAM max %g", gg.Layer, top)
	}
	for p, s := range up {
		for c := 0; c < 3; c++ {
			want := gb.Raw[p*3+c] * (s / top)
			if math.Abs(float64(gg.Raw[p*3+c]-want)) > 1e-7 {
				t.Fatalf("value %d: %g, expected %g", p*3+c, gg.Raw[p*3+c], want)
			}
		}
	}
}

// TestOverlayOriginal: on a 2:1 original, the heat of input pixel (i, j)
// lands at the matching place of the original, and a flat map leaves the
// original unchanged.
func TestOverlayOriginal(t *testing.T) {
	orig := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for i := range orig.Pix {
		orig.Pix[i] = 100
		if i%4 == 3 {
			orig.Pix[i] = 255
		}
	}
	heat := Normalize([]float32{0, 0, 0, 1}, 2, 2) // bottom-right hot
	cm := mustMap(t, "gray")
	img := OverlayOriginal(nil, orig, heat, cm, 1)
	if img.Bounds() != orig.Bounds() {
		t.Fatalf("bounds %v", img.Bounds())
	}
	tl, br := img.RGBAAt(0, 0), img.RGBAAt(39, 19)
	if tl.R != 0 || br.R != 255 {
		t.Errorf("corners %v and %v, expected black and white", tl, br)
	}
	// (20, 10) reads input (0.525, 0.55): bilinear weight 0.525·0.55 of the hot pixel.
	if mid := img.RGBAAt(20, 10); mid.R < 72 || mid.R > 75 {
		t.Errorf("centre %v, expected 0.289·255 ≈ 73.6", mid)
	}
	flat := OverlayOriginal(nil, orig, Normalize([]float32{1, 1, 1, 1}, 2, 2), cm, 0.7)
	if !slices.Equal(flat.Pix, orig.Pix) {
		t.Error("a flat map changed the original")
	}
}
