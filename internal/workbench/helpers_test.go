package workbench

import (
	"image"
	"image/color"
	"math/rand"
	"testing"

	"github.com/convscope/convscope/nn"
)

// tinyArch is a small convnet: 12×12×3 → conv 4 → pool → conv 6 → dense 1.
func tinyArch(size int) nn.Arch {
	return nn.Arch{InputShape: []int{size, size, 3}, Layers: []nn.LayerConfig{
		{ClassName: "Conv2D", Filters: 4, KernelSize: [2]int{3, 3}, Activation: "relu"},
		{ClassName: "MaxPooling2D", PoolSize: [2]int{2, 2}},
		{ClassName: "Conv2D", Filters: 6, KernelSize: [2]int{3, 3}, Activation: "relu"},
		{ClassName: "Flatten"},
		{ClassName: "Dense", Units: 1, Activation: "sigmoid"},
	}}
}

func tinyModel(t testing.TB, size int) *Model {
	t.Helper()
	net, err := tinyArch(size).Build()
	if err != nil {
		t.Fatal(err)
	}
	net.Init(1)
	return &Model{Net: net, Classes: []string{"dark", "light"}, Label: "tiny"}
}

// testImage is a w×h gradient whose brightness depends on seed.
func testImage(w, h, seed int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8(seed * 37), 255})
		}
	}
	return m
}

func loaderOf(img image.Image) Loader { return func() (image.Image, error) { return img, nil } }

// stripes is a BatchSource of 12×12×3 images: label 1 for bright, 0 for dark.
type stripes struct{ rng *rand.Rand }

func (s *stripes) Next(x, y *nn.Tensor) error {
	n := x.Shape[0]
	per := x.SampleSize()
	for i := range n {
		lab := s.rng.Intn(2)
		y.Data[i] = float32(lab)
		base := 0.1 + 0.7*float32(lab)
		for j := range per {
			x.Data[i*per+j] = base + 0.2*s.rng.Float32()
		}
	}
	return nil
}

func mustBuild(t testing.TB, size int) *nn.Sequential {
	t.Helper()
	a := tinyArch(size)
	a.Layers[0].Filters = 5
	net, err := a.Build()
	if err != nil {
		t.Fatal(err)
	}
	return net
}
