// Package testutil holds the fixtures that several packages' tests share: a
// tiny convnet architecture, a gradient test image and a PNG writer. Only
// tests import it; it imports nn and the standard library.
package testutil

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"

	"github.com/convscope/convscope/nn"
)

// TinyArch is a small convnet: size×size×3 → conv 4 → pool → conv 6 →
// dense 1 (sigmoid).
func TinyArch(size int) nn.Arch {
	return nn.Arch{InputShape: []int{size, size, 3}, Layers: []nn.LayerConfig{
		{ClassName: "Conv2D", Filters: 4, KernelSize: [2]int{3, 3}, Activation: "relu"},
		{ClassName: "MaxPooling2D", PoolSize: [2]int{2, 2}},
		{ClassName: "Conv2D", Filters: 6, KernelSize: [2]int{3, 3}, Activation: "relu"},
		{ClassName: "Flatten"},
		{ClassName: "Dense", Units: 1, Activation: "sigmoid"},
	}}
}

// TinyNet builds TinyArch(size) with weights drawn from seed 1; a build
// error fails t.
func TinyNet(t testing.TB, size int) *nn.Sequential {
	t.Helper()
	net, err := TinyArch(size).Build()
	if err != nil {
		t.Fatal(err)
	}
	net.Init(1)
	return net
}

// Gradient is a w×h image: red rises left to right, green top to bottom,
// and blue is seed·37 (mod 256).
func Gradient(w, h, seed int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8(seed * 37), 255})
		}
	}
	return m
}

// WritePNG encodes img as a PNG file at path; any error fails t.
func WritePNG(t testing.TB, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// CheckGolden compares img pixel by pixel with the PNG file at path
// (decoded, so a different PNG encoder does not matter), or rewrites the
// file when update is set (the packages' -update flag).
func CheckGolden(t testing.TB, path string, img *image.RGBA, update bool) {
	t.Helper()
	if update {
		WritePNG(t, path, img)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if want.Bounds() != img.Bounds() {
		t.Fatalf("%s: size %v, golden %v", path, img.Bounds(), want.Bounds())
	}
	bad := 0
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			r, g, b, a := want.At(x, y).RGBA()
			c := img.RGBAAt(x, y)
			if uint8(r>>8) != c.R || uint8(g>>8) != c.G || uint8(b>>8) != c.B || uint8(a>>8) != c.A {
				if bad == 0 {
					t.Errorf("%s: first difference at (%d, %d): got %v, golden %v", path, x, y, c, want.At(x, y))
				}
				bad++
			}
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d pixels differ (inspect with go test -update and git diff)", path, bad)
	}
}

// Chain builds a graph of the layers applied one after the other to an
// input of the per-sample shape in (weights not initialised; see
// nn.Graph.Init). An error fails t.
func Chain(t testing.TB, in []int, layers ...nn.LayerBase) *nn.Graph {
	t.Helper()
	g := nn.NewGraph(in)
	prev := nn.GraphInput
	for _, l := range layers {
		name, err := g.Add(l, prev)
		if err != nil {
			t.Fatal(err)
		}
		prev = name
	}
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	return g
}

// ReadPNG decodes the PNG file at path; any error fails t.
func ReadPNG(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}
