package model

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"testing"

	"github.com/convscope/convscope/nn"
)

// tinyArch is a small convnet: size×size×3 → conv 4 → pool → conv 6 → dense 1.
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

func writePNG(t testing.TB, path string, img image.Image) {
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
