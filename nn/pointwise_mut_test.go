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
