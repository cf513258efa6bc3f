package nn

import (
	"fmt"
	"testing"
	"time"
)

// TestPointwiseWork pins pwWork's estimate: 0.25 ns a value.
func TestPointwiseWork(t *testing.T) {
	for n, want := range map[int]time.Duration{0: 0, 3: 0, 4: 1, 1000: 250, 1 << 20: 1 << 18} {
		if got := pwWork(n); got != want {
			t.Errorf("pwWork(%d) = %v, expected %v", n, got, want)
		}
	}
}

// TestPointwiseChunkCounts runs a leaky ReLU (its plain Go loop) forward
// and backward on tensors of one value less, exactly, and one value more
// than whole pwChunk blocks, against the formula: every value is written
// and no chunk starts past the end.
func TestPointwiseChunkCounts(t *testing.T) {
	for _, n := range []int{1, pwChunk - 1, pwChunk, pwChunk + 1, 2*pwChunk - 1, 3*pwChunk + 5} {
		for _, workers := range []int{1, 2} {
			t.Run(fmt.Sprintf("n=%d/w%d", n, workers), func(t *testing.T) {
				l := NewLeakyReLU(0.5)
				if _, err := l.Build([]int{n}); err != nil {
					t.Fatal(err)
				}
				l.setEngine(Engine{Workers: workers})
				x, y := NewTensor(1, n), NewTensor(1, n)
				dy, dx := NewTensor(1, n), NewTensor(1, n)
				for i := range x.Data {
					x.Data[i] = float32(i%7) - 3
					y.Data[i], dx.Data[i] = 42, 42
					dy.Data[i] = float32(i%5) + 1
				}
				l.Forward(y, x, false)
				l.Backward(dx, dy, x, y)
				for i, v := range x.Data {
					wantY, wantDx := v, dy.Data[i]
					if v < 0 {
						wantY, wantDx = v/2, dy.Data[i]/2
					}
					if y.Data[i] != wantY || dx.Data[i] != wantDx {
						t.Fatalf("value %d (x = %v): y = %v, dx = %v, expected %v, %v", i, v, y.Data[i], dx.Data[i], wantY, wantDx)
					}
				}
			})
		}
	}
}

// TestPointwiseGradAtBounds pins each piecewise activation's gradient at
// its breakpoints (dy = 1): Clip passes it on [lo, hi] inclusive (as
// PyTorch's clamp), HardSigmoid only strictly inside 0 < αx + β < 1, and
// HardSwish is 0 up to -3 inclusive, 1 from 3, (2x + 3)/6 between.
func TestPointwiseGradAtBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		l    Layer
		x    []float32
		want []float32
	}{
		{"Clip(0, 6)", NewClip(0, 6), []float32{-0.5, 0, 3, 6, 6.5}, []float32{0, 1, 1, 1, 0}},
		{"HardSigmoid(0.25, 0.5)", NewHardSigmoid(0.25, 0.5), []float32{-2.5, -2, 0, 2, 2.5}, []float32{0, 0, 0.25, 0, 0}},
		{"HardSwish", NewHardSwish(), []float32{-4, -3, -1.5, 0, 1.5, 3, 4}, []float32{0, 0, 0, 0.5, 1, 1, 1}},
	} {
		n := len(tc.x)
		if _, err := tc.l.Build([]int{n}); err != nil {
			t.Fatal(err)
		}
		x, y, dy, dx := NewTensor(1, n), NewTensor(1, n), NewTensor(1, n), NewTensor(1, n)
		copy(x.Data, tc.x)
		for i := range dy.Data {
			dy.Data[i], dx.Data[i] = 1, 42
		}
		tc.l.Forward(y, x, true)
		tc.l.Backward(dx, dy, x, y)
		for i, v := range dx.Data {
			if v != tc.want[i] {
				t.Errorf("%s: dx at x = %v is %v, expected %v", tc.name, tc.x[i], v, tc.want[i])
			}
		}
	}
}

// TestReLUBreakpoints pins Keras' ReLU(max_value, negative_slope,
// threshold) at its breakpoints, forward and backward (dy = 1): x ≥
// max_value gives max_value and gradient 0, threshold ≤ x < max_value gives
// x and gradient 1, below it slope·(x - threshold) and gradient slope. With
// slope 0 and a threshold, values between 0 and the threshold give 0 (not
// the plain clamp's x).
func TestReLUBreakpoints(t *testing.T) {
	for _, tc := range []struct {
		name               string
		max, slope, thresh float64
		x, y, dx           []float32
	}{
		{"max 6, slope 0.5, threshold 1", 6, 0.5, 1,
			[]float32{-1, 0.5, 1, 3, 6, 7},
			[]float32{-1, -0.25, 1, 3, 6, 6},
			[]float32{0.5, 0.5, 1, 1, 0, 0}},
		{"slope 0, threshold 0.5", 0, 0, 0.5,
			[]float32{-1, 0.25, 0.5, 2},
			[]float32{0, 0, 0.5, 2},
			[]float32{0, 0, 1, 1}},
	} {
		n := len(tc.x)
		l := NewReLU(tc.max, tc.slope, tc.thresh)
		if _, err := l.Build([]int{n}); err != nil {
			t.Fatal(err)
		}
		x, y, dy, dx := NewTensor(1, n), NewTensor(1, n), NewTensor(1, n), NewTensor(1, n)
		copy(x.Data, tc.x)
		for i := range dy.Data {
			dy.Data[i], y.Data[i], dx.Data[i] = 1, 42, 42
		}
		l.Forward(y, x, true)
		l.Backward(dx, dy, x, y)
		for i := range tc.x {
			if y.Data[i] != tc.y[i] || dx.Data[i] != tc.dx[i] {
				t.Errorf("%s: at x = %v: y = %v, dx = %v, expected %v, %v", tc.name, tc.x[i], y.Data[i], dx.Data[i], tc.y[i], tc.dx[i])
			}
		}
	}
}

// TestClipEqualBounds: Clip(lo, hi) with lo = hi is valid (a constant),
// lo > hi is refused.
func TestClipEqualBounds(t *testing.T) {
	if err := NewClip(1, 1).check(); err != nil {
		t.Errorf("Clip(1, 1): %v", err)
	}
	if err := NewClip(2, 1).check(); err == nil {
		t.Error("Clip(2, 1): no error")
	}
}
