package cli

import (
	"encoding/json"
	"image"
	"image/color"
	"math"
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/internal/npy"
	"github.com/convscope/convscope/internal/testutil"
	"github.com/convscope/convscope/nn"
)

// handModel saves a network small enough to work out by hand: a 4×4×3
// input (rescaled by 1/255), Conv2D with one 1×1 filter of weights
// (1/3, 1/3, 1/3) and bias 0 with ReLU, Flatten, and Dense(1, sigmoid)
// with every weight 0.25 and bias −1.
//
// For a pure red image, x = (1, 0, 0) everywhere, so conv2d_1 is 1/3 at
// all 16 positions, and the output is σ(16 · 1/3 · 0.25 − 1) = σ(1/3)
// = 1 / (1 + e^(−1/3)) = 0.5825702…
func handModel(t *testing.T, dir string) string {
	t.Helper()
	a := nn.Arch{InputShape: []int{4, 4, 3}, Layers: []nn.LayerConfig{
		{ClassName: "Conv2D", Filters: 1, KernelSize: [2]int{1, 1}, Activation: "relu"},
		{ClassName: "Flatten"},
		{ClassName: "Dense", Units: 1, Activation: "sigmoid"},
	}}
	net, err := a.Build()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string][]float32{
		"conv2d_1/kernel": {1.0 / 3, 1.0 / 3, 1.0 / 3},
		"conv2d_1/bias":   {0},
		"dense_1/kernel":  {.25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25, .25},
		"dense_1/bias":    {-1},
	}
	for _, p := range net.Params() {
		v, ok := values[p.Name]
		if !ok || len(v) != len(p.Value) {
			t.Fatalf("parameter %s (%d values) not in the hand-worked table", p.Name, len(p.Value))
		}
		copy(p.Value, v)
	}
	path := filepath.Join(dir, "hand.safetensors")
	if err := nn.SaveFile(path, net, nn.Metadata{ClassNames: []string{"cats", "dogs"}, Rescale: 1.0 / 255}); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeSolid writes a w×h PNG of one colour.
func writeSolid(t *testing.T, dir, name string, w, h int, c color.RGBA) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	p := filepath.Join(dir, name)
	testutil.WritePNG(t, p, img)
	return p
}

func TestPredictHandWorked(t *testing.T) {
	dir := t.TempDir()
	m := handModel(t, dir)
	red := writeSolid(t, dir, "red.png", 10, 7, color.RGBA{255, 0, 0, 255})
	black := writeSolid(t, dir, "black.png", 5, 5, color.RGBA{0, 0, 0, 255})
	code, stdout, stderr := run(t, "predict", "--json", "--model", m, red, black)
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr)
	}
	var got []struct {
		Class         string
		Probabilities map[string]float64
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v in %s", err, stdout)
	}
	// Red: σ(1/3) = 0.5825702 for dogs. Black: conv 0, σ(−1) = 0.2689414.
	for i, want := range []struct {
		class string
		dogs  float64
	}{{"dogs", 0.5825702}, {"cats", 0.2689414}} {
		if len(got) != 2 || got[i].Class != want.class || math.Abs(got[i].Probabilities["dogs"]-want.dogs) > 1e-6 ||
			math.Abs(got[i].Probabilities["cats"]-(1-want.dogs)) > 1e-6 {
			t.Errorf("image %d: %+v, want %s with p(dogs) = %.7f", i, got, want.class, want.dogs)
		}
	}
}

// writeHalves writes an 8×4 PNG whose left half is red and right half black;
// Pillow-nearest resizing to 4×4 keeps columns 0–1 red and 2–3 black.
func writeHalves(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "halves.png")
	img := image.NewRGBA(image.Rect(0, 0, 8, 4))
	for y := range 4 {
		for x := range 8 {
			img.SetRGBA(x, y, color.RGBA{0, 0, 0, 255})
			if x < 4 {
				img.SetRGBA(x, y, color.RGBA{255, 0, 0, 255})
			}
		}
	}
	testutil.WritePNG(t, p, img)
	return p
}

func TestActivationsHandWorked(t *testing.T) {
	dir := t.TempDir()
	m := handModel(t, dir)
	halves := writeHalves(t, dir)
	out := filepath.Join(dir, "out")
	if code, _, stderr := run(t, "activations", "--model", m, "--image", halves, "--out", out); code != 0 {
		t.Fatalf("exit code %d: %s", code, stderr)
	}
	// conv2d_1 is 1/3 in columns 0–1 and 0 in columns 2–3.
	shape, data, err := npy.ReadFile(filepath.Join(out, "conv2d_1.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if shapeString(shape) != shapeString([]int{1, 4, 4, 1}) || len(data) != 16 {
		t.Fatalf("conv2d_1.npy shape %v, want (1, 4, 4, 1)", shape)
	}
	for i, v := range data {
		want := 0.0
		if i%4 < 2 {
			want = 1.0 / 3
		}
		if math.Abs(float64(v)-want) > 1e-6 {
			t.Fatalf("conv2d_1.npy[%d] = %v, want %v", i, v, want)
		}
	}
	// The sheet standardises: mean 1/6, std 1/6, so 1/3 → 128 + 64 = 192
	// and 0 → 64 in the default map, viridis, whose entries are
	// matplotlib's _viridis_data × 255 truncated: [192] = (94, 201, 97),
	// [64] = (58, 82, 139). The 4×4 map is drawn at 14× (56-pixel tile)
	// after a 2-pixel gap: x = 10 is column 0, x = 50 column 3.
	img := testutil.ReadPNG(t, filepath.Join(out, "conv2d_1.png"))
	for _, px := range []struct {
		x, y int
		want [3]uint32
	}{{10, 10, [3]uint32{94, 201, 97}}, {50, 10, [3]uint32{58, 82, 139}}, {10, 50, [3]uint32{94, 201, 97}}} {
		r, g, b, _ := img.At(px.x, px.y).RGBA()
		if got := [3]uint32{r >> 8, g >> 8, b >> 8}; got != px.want {
			t.Errorf("conv2d_1.png pixel (%d, %d) = %v, want %v", px.x, px.y, got, px.want)
		}
	}

	// predict on the same image: 8 positions of 1/3, so the logit is
	// 8 · 1/3 · 0.25 − 1 = −1/3 and p(dogs) = σ(−1/3) = 0.4174298.
	code, stdout, stderr := run(t, "predict", "--json", "--model", m, halves)
	var got []struct{ Probabilities map[string]float64 }
	if err := json.Unmarshal([]byte(stdout), &got); code != 0 || err != nil || len(got) != 1 ||
		math.Abs(got[0].Probabilities["dogs"]-0.4174298) > 1e-6 {
		t.Errorf("predict: exit %d, %s %s, want p(dogs) = 0.4174298", code, stdout, stderr)
	}
}
