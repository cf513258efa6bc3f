package nn

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestStackRows checks stackRows against its definition,
// s[p·kh·cin + u·cin + ci] = x[p·cin + u·row + ci], for the unrolled
// 3×3-kernel, 3-channel case and the general loop (kh or cin other than
// 3), on an x exactly as long as the last pixel needs (so reading past it
// panics) and an s whose junk must all be overwritten.
func TestStackRows(t *testing.T) {
	for _, tc := range []struct{ kh, cin, w, np int }{
		{3, 3, 5, 9}, {2, 3, 5, 7}, {3, 2, 4, 6}, {3, 1, 6, 10}, {4, 3, 3, 5}, {3, 3, 2, 1},
	} {
		row := tc.w * tc.cin
		kc := tc.kh * tc.cin
		x := make([]float32, (tc.np-1)*tc.cin+(tc.kh-1)*row+tc.cin)
		for i := range x {
			x[i] = float32(i + 1)
		}
		s := make([]float32, tc.np*kc)
		for i := range s {
			s[i] = -1
		}
		stackRows(s, x, tc.kh, row, tc.cin)
		for p := 0; p < tc.np; p++ {
			for u := 0; u < tc.kh; u++ {
				for ci := 0; ci < tc.cin; ci++ {
					if got, want := s[p*kc+u*tc.cin+ci], x[p*tc.cin+u*row+ci]; got != want {
						t.Fatalf("kh=%d cin=%d: s[pixel %d, row %d, channel %d] = %g, expected %g", tc.kh, tc.cin, p, u, ci, got, want)
					}
				}
			}
		}
	}
}

// TestConv2DDirectParts pins how many row ranges each sample's direct
// Backward is cut into: one when the batch alone shares evenly among the
// slots (or gives each four items), else more, while each range keeps at
// least 2·kh input rows. The ranges only change how the work is shared
// (TestConv2DDirectBackwardParts checks the gradients).
func TestConv2DDirectParts(t *testing.T) {
	for _, tc := range []struct {
		name        string
		n, slots, h int
		kh          int
		want        int
	}{
		{"batch shares evenly", 2, 2, 40, 3, 1},
		{"one slot", 1, 1, 40, 3, 1},
		{"one image, two slots", 1, 2, 40, 3, 2},
		{"one image, three slots", 1, 3, 40, 3, 3},
		{"one image, four slots", 1, 4, 40, 3, 4},
		{"one image, five slots: 4 ranges of >= 6 rows", 1, 5, 29, 3, 4},
		{"rows limit: 2 ranges of >= 6", 1, 3, 17, 3, 2},
		{"rows limit exactly: 3 ranges of 6", 1, 4, 18, 3, 3},
		{"three images, two slots", 3, 2, 40, 3, 2},
		{"three images, five slots", 3, 5, 40, 3, 5},
		{"nine images, two slots: enough items", 9, 2, 40, 3, 1},
		{"too short for two", 1, 2, 11, 3, 1},
		// n·p < 4·slots ends the loop: seven images over three slots are
		// cut in two (14 items, not a multiple of 3), not in three.
		{"seven images, three slots", 7, 3, 40, 3, 2},
		{"five images, three slots: 15 items", 5, 3, 40, 3, 3},
		{"eleven images, three slots", 11, 3, 40, 3, 2},
		{"thirteen images, three slots: enough items", 13, 3, 40, 3, 1},
	} {
		l := NewConv2D(2, tc.kh, tc.kh)
		if _, err := l.Build([]int{tc.h, 8, 1}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		l.slots = tc.slots
		if got := l.directParts(tc.n); got != tc.want {
			t.Errorf("%s: directParts(%d) with %d slots, h %d = %d, expected %d", tc.name, tc.n, tc.slots, tc.h, got, tc.want)
		}
	}
}

// TestConv2DDirectBackwardParts runs the direct path's Backward with the
// sample cut into row ranges (batch 1 and 3 over 2 to 4 workers, small
// blocks of the dZ buffer), with and without the input gradient and the
// bias, and compares every gradient with the im2col path's.
func TestConv2DDirectBackwardParts(t *testing.T) {
	for _, workers := range []int{2, 3, 4} {
		for _, n := range []int{1, 3} {
			for _, withDx := range []bool{true, false} {
				for _, bias := range []bool{true, false} {
					name := fmt.Sprintf("workers=%d/batch=%d/dx=%v/bias=%v", workers, n, withDx, bias)
					build := func(path string) *Conv2D {
						l := NewConv2D(6, 3, 2, WithActivation("tanh"), WithUseBias(bias))
						l.setEngine(testEngine(workers, 16, path))
						if _, err := l.Build([]int{25, 7, 4}); err != nil {
							t.Fatal(err)
						}
						rng := rand.New(rand.NewSource(12))
						fillUniform(l.kernel.Value, 0.5, rng)
						if bias {
							fillUniform(l.bias.Value, 0.5, rng)
						}
						return l
					}
					got, ref := build(""), build("im2col")
					if !got.direct() || ref.direct() {
						t.Fatalf("%s: paths %v, %v; expected direct and im2col", name, got.direct(), ref.direct())
					}
					rng := rand.New(rand.NewSource(13))
					x := NewTensor(n, 25, 7, 4)
					fillUniform(x.Data, 1, rng)
					y, yr := NewTensor(n, 23, 6, 6), NewTensor(n, 23, 6, 6)
					got.Forward(y, x, true)
					ref.Forward(yr, x, true)
					dy := NewTensor(y.Shape...)
					fillUniform(dy.Data, 1, rng)
					var dx, dxr *Tensor
					if withDx {
						dx, dxr = NewTensor(x.Shape...), NewTensor(x.Shape...)
						for i := range dx.Data {
							dx.Data[i] = 7 // written, not added to
						}
					}
					got.Backward(dx, dy, x, y)
					ref.Backward(dxr, dy, x, yr)
					if n == 1 && got.parts < 2 {
						t.Errorf("%s: the sample was not cut (%d parts)", name, got.parts)
					}
					checks := []struct {
						what      string
						got, want []float32
					}{{"kernel gradient", got.kernel.Grad, ref.kernel.Grad}}
					if bias {
						checks = append(checks, struct {
							what      string
							got, want []float32
						}{"bias gradient", got.bias.Grad, ref.bias.Grad})
					}
					if withDx {
						checks = append(checks, struct {
							what      string
							got, want []float32
						}{"input gradient", dx.Data, dxr.Data})
					}
					for _, c := range checks {
						if d := maxRelDiff(c.got, c.want); d > 1e-5 {
							t.Errorf("%s: %s differs from im2col's by %g", name, c.what, d)
						}
					}
				}
			}
		}
	}
}
