package nn

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestDropoutGradients(t *testing.T) {
	checkGradients(t, gradCase{layer: func() Layer { return NewDropout(0.4) }, in: []int{3, 4}, batch: 3})
}

func TestDropoutTraining(t *testing.T) {
	const n, rate = 20000, 0.3
	l := NewDropout(rate)
	l.Build([]int{n})
	l.Seed(1)
	x := NewTensor(1, n)
	for i := range x.Data {
		x.Data[i] = float32(i%7) + 1
	}
	y := NewTensor(1, n)
	l.Forward(y, x, true)
	dropped := 0
	for i, v := range y.Data {
		switch {
		case v == 0:
			dropped++
		case math.Abs(float64(v)-float64(x.Data[i])/(1-rate)) > 1e-5:
			t.Fatalf("kept value %g, want %g/(1-%g)", v, x.Data[i], rate)
		}
	}
	// Binomial(20000, 0.3): standard deviation ≈ 65, so 5σ ≈ 325.
	if math.Abs(float64(dropped)-rate*n) > 325 {
		t.Errorf("dropped %d of %d, want ≈ %g", dropped, n, rate*n)
	}
	// Backward uses the same mask.
	dy := NewTensor(1, n)
	for i := range dy.Data {
		dy.Data[i] = 1
	}
	dx := NewTensor(1, n)
	l.Backward(dx, dy, x, y)
	for i := range dx.Data {
		if (dx.Data[i] == 0) != (y.Data[i] == 0) {
			t.Fatalf("dx[%d] = %g but y[%d] = %g", i, dx.Data[i], i, y.Data[i])
		}
	}
	// A new training pass draws a new mask; reseeding repeats it.
	y2 := NewTensor(1, n)
	l.Forward(y2, x, true)
	if slices.Equal(y2.Data, y.Data) {
		t.Error("second training pass repeated the mask")
	}
	l.Seed(1)
	l.Forward(y2, x, true)
	if !slices.Equal(y2.Data, y.Data) {
		t.Error("the same seed gave a different mask")
	}
}

func TestDropoutInferenceIsIdentity(t *testing.T) {
	l := NewDropout(0.5)
	l.Build([]int{2, 3})
	x := &Tensor{Shape: []int{1, 2, 3}, Data: []float32{1, -2, 3, -4, 5, -6}}
	y := NewTensor(1, 2, 3)
	l.Forward(y, x, false)
	if !slices.Equal(y.Data, x.Data) {
		t.Errorf("inference y = %v, want x", y.Data)
	}
	z := NewDropout(0)
	z.Build([]int{2, 3})
	z.Forward(y, x, true)
	if !slices.Equal(y.Data, x.Data) {
		t.Errorf("rate 0 training y = %v, want x", y.Data)
	}
}

func TestDropoutRateErrors(t *testing.T) {
	for _, rate := range []float64{-0.1, 1, 1.5, math.NaN()} {
		_, err := NewDropout(rate).Build([]int{3})
		if err == nil || !strings.HasPrefix(err.Error(), "Dropout: expected rate in [0, 1), received") {
			t.Errorf("rate %g: err = %v", rate, err)
		}
	}
}

// TestDropoutRandState: a resumed run restores the random stream into a
// fresh, never seeded layer and draws the masks the uninterrupted layer
// draws; a layer that was never seeded reports the seed-0 stream; a
// corrupt state is an error naming the layer.
func TestDropoutRandState(t *testing.T) {
	x := NewTensor(1, 64)
	for i := range x.Data {
		x.Data[i] = 1
	}
	masks := func(l *Dropout, k int) [][]float32 {
		var out [][]float32
		for range k {
			y := NewTensor(1, 64)
			l.Forward(y, x, true)
			out = append(out, y.Data)
		}
		return out
	}
	a := NewDropout(0.5, WithName("drop"))
	a.Build([]int{64})
	a.Seed(7)
	masks(a, 2)
	state, err := a.RandState()
	if err != nil {
		t.Fatal(err)
	}
	want := masks(a, 3)

	b := NewDropout(0.5) // never seeded
	b.Build([]int{64})
	if err := b.SetRandState(state); err != nil {
		t.Fatal(err)
	}
	if got := masks(b, 3); !slices.EqualFunc(got, want, slices.Equal) {
		t.Error("a restored stream draws other masks than the saved one")
	}

	fresh := NewDropout(0.5)
	fresh.Build([]int{64})
	s0, err := fresh.RandState()
	if err != nil {
		t.Fatal(err)
	}
	seeded := NewDropout(0.5)
	seeded.Build([]int{64})
	seeded.Seed(0)
	if s, _ := seeded.RandState(); !slices.Equal(s, s0) {
		t.Error("an unseeded layer's state is not the seed-0 stream")
	}
	if s, _ := a.RandState(); slices.Equal(s, s0) {
		t.Error("a seeded layer reports the seed-0 state")
	}

	err = a.SetRandState([]byte("junk"))
	if err == nil || !strings.HasPrefix(err.Error(), "nn: drop: random state: ") {
		t.Errorf("corrupt state: %v", err)
	}
}
