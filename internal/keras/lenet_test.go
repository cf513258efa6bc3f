package keras

import (
	"slices"
	"testing"

	"github.com/convscope/convscope/nn"
)

// drawSeven draws a white-on-black "7" on a 28×28 canvas, as MNIST's
// digits: a horizontal bar and a diagonal stroke, 2–3 pixels thick, with
// pixel values 0..255.
func drawSeven() []float32 {
	img := make([]float32, 28*28)
	set := func(y, x int) {
		if y >= 0 && y < 28 && x >= 0 && x < 28 {
			img[y*28+x] = 255
		}
	}
	for x := 7; x <= 20; x++ { // the top bar
		for y := 6; y <= 8; y++ {
			set(y, x)
		}
	}
	for y := 8; y <= 23; y++ { // the stroke, from (8, 20) down to (23, 12)
		x := 20 - (y-8)*8/15
		set(y, x)
		set(y, x-1)
		set(y, x+1)
	}
	return img
}

func TestLeNetSeven(t *testing.T) {
	m, meta, err := Load("testdata/lenet-keras-2.2.2.h5")
	if err != nil {
		t.Fatal(err)
	}
	seq, ok := m.(*nn.Sequential)
	if !ok {
		t.Fatalf("model is %T, want *nn.Sequential", m)
	}
	if !slices.Equal(seq.InputShape(), []int{28, 28, 1}) || meta.ColorMode != "grayscale" || meta.Rescale != nn.DefaultRescale {
		t.Errorf("input %v, meta %+v", seq.InputShape(), meta)
	}
	x := nn.NewTensor(1, 28, 28, 1)
	for i, v := range drawSeven() {
		x.Data[i] = v * float32(meta.Rescale)
	}
	y := seq.Predict(x)
	best := 0
	for i, p := range y.Data {
		if p > y.Data[best] {
			best = i
		}
	}
	if best != 7 || y.Data[7] < 0.5 {
		t.Errorf("prediction %v: class %d, want 7 with p > 0.5", y.Data, best)
	}
	t.Logf("p(7) = %.3f", y.Data[7])
	if n := seq.CountParams(); n != 44426 {
		t.Errorf("params = %d, want 44426", n)
	}
}
