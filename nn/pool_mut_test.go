package nn

import (
	"math"
	"slices"
	"testing"
)

// TestPoolingPadsLimit pins the bound on each of the four explicit pads:
// a pad equal to the pool size along its axis is refused (a window could
// then lie wholly in the padding), one less is accepted. The pool is 2×3 so
// a pad checked against the wrong axis shows.
func TestPoolingPadsLimit(t *testing.T) {
	const msg = "MaxPooling2D: expected pads smaller than the pool size (2, 3), received "
	for _, tc := range []struct {
		pads [4]int // top, left, bottom, right
		want string // "" for no error
	}{
		{[4]int{2, 0, 0, 0}, msg + "[2 0 0 0]"},
		{[4]int{0, 3, 0, 0}, msg + "[0 3 0 0]"},
		{[4]int{0, 0, 2, 0}, msg + "[0 0 2 0]"},
		{[4]int{0, 0, 0, 3}, msg + "[0 0 0 3]"},
		{[4]int{1, 2, 1, 2}, ""},
		{[4]int{1, 0, 0, 0}, ""},
		{[4]int{0, 2, 0, 0}, ""},
		{[4]int{0, 0, 1, 0}, ""},
		{[4]int{0, 0, 0, 2}, ""},
	} {
		p := tc.pads
		l := NewMaxPooling2D(2, 3, WithPads(p[0], p[1], p[2], p[3]))
		_, err := l.Build([]int{5, 5, 1})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("pads %v: Build = %v, want no error", p, err)
		case tc.want != "" && (err == nil || err.Error() != tc.want):
			t.Errorf("pads %v: Build = %v, want %q", p, err, tc.want)
		}
	}
}

// TestPoolingRowsPerItem pins how Forward and the 2×2 Backward cut a sample
// into work items: as many output rows as hold about 4096 values
// (4096 / (ow·c), at least 1, at most oh), and ceil(oh / rows) items. Each
// case then pools a batch of 2 and compares every output with a direct
// max or mean of its window, so the item → (sample, rows) mapping is
// checked across several blocks too.
func TestPoolingRowsPerItem(t *testing.T) {
	for _, tc := range []struct {
		name         string
		isMax        bool
		in           []int // h, w, c of a 2×2, stride 2 pooling
		rows, blocks int
	}{
		{"one block", true, []int{64, 64, 2}, 32, 1},               // 4096/64 = 64 > oh = 32
		{"exact split", true, []int{64, 64, 8}, 16, 2},             // 4096/256 = 16
		{"ragged last block", false, []int{28, 4, 600}, 3, 5},      // 4096/1200 = 3, ceil(14/3)
		{"ragged, odd input", true, []int{29, 5, 600}, 3, 5},       // same output size
		{"rows divide oh", false, []int{30, 4, 600}, 3, 5},         // 15/3
		{"one row per item", true, []int{10, 4100, 1}, 1, 5},       // 4096/2050 = 1
		{"wider than 4096 values", false, []int{4, 2, 4097}, 1, 2}, // 4096/4097 = 0 → 1
	} {
		t.Run(tc.name, func(t *testing.T) {
			var l Layer
			var p *pool2D
			if tc.isMax {
				m := NewMaxPooling2D(2, 2)
				l, p = m, &m.pool2D
			} else {
				a := NewAveragePooling2D(2, 2)
				l, p = a, &a.pool2D
			}
			l.(interface{ setEngine(Engine) }).setEngine(Engine{Workers: 2})
			out, err := l.Build(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if p.rows != tc.rows || p.blocks != tc.blocks {
				t.Errorf("%d rows per item, %d items per sample; expected %d, %d", p.rows, p.blocks, tc.rows, tc.blocks)
			}
			h, w, c := tc.in[0], tc.in[1], tc.in[2]
			x := NewTensor(2, h, w, c)
			for i := range x.Data {
				x.Data[i] = float32((i*7919)%1009) - 500
			}
			y := NewTensor(append([]int{2}, out...)...)
			for i := range y.Data {
				y.Data[i] = 12345 // stale values must all be overwritten
			}
			l.Forward(y, x, false)
			oh, ow := out[0], out[1]
			for n := range 2 {
				for i := range oh {
					for j := range ow {
						for k := range c {
							at := func(u, v int) float32 { return x.Data[((n*h+2*i+u)*w+2*j+v)*c+k] }
							a, b, d, e := at(0, 0), at(0, 1), at(1, 0), at(1, 1)
							want := (a + b + d + e) / 4
							if tc.isMax {
								want = max(a, b, d, e)
							}
							if got := y.Data[((n*oh+i)*ow+j)*c+k]; got != want {
								t.Fatalf("y[%d, %d, %d, %d] = %v, expected %v", n, i, j, k, got, want)
							}
						}
					}
				}
			}
			// Backward: each output's gradient goes to its window's first
			// maximum (max) or a quarter to each of its pixels (average);
			// the row and column an odd input leaves over get 0.
			dy := NewTensor(y.Shape...)
			for i := range dy.Data {
				dy.Data[i] = float32(i%251 + 1)
			}
			dx := NewTensor(x.Shape...)
			for i := range dx.Data {
				dx.Data[i] = 777 // stale values must all be overwritten
			}
			l.Backward(dx, dy, x, y)
			want := make([]float32, len(x.Data))
			for n := range 2 {
				for i := range oh {
					for j := range ow {
						for k := range c {
							g := dy.Data[((n*oh+i)*ow+j)*c+k]
							m := y.Data[((n*oh+i)*ow+j)*c+k]
							routed := false
							for u := range 2 {
								for v := range 2 {
									at := ((n*h+2*i+u)*w+2*j+v)*c + k
									switch {
									case !tc.isMax:
										want[at] = g / 4
									case !routed && x.Data[at] == m:
										want[at], routed = g, true
									}
								}
							}
						}
					}
				}
			}
			for i := range want {
				if dx.Data[i] != want[i] {
					t.Fatalf("dx[%d] = %v, expected %v", i, dx.Data[i], want[i])
				}
			}
		})
	}
}

// TestMaxPoolingRouteStaysInWindow checks, on the general path (2×2,
// stride 2, "same" on a 2×3 input: the second window is one real column),
// that Backward looks for each window's maximum only inside that window:
// an equal value just right of it, earlier in row-major order, must not
// take the gradient, and a window whose maximum is a NaN (a NaN first
// wins) routes its gradient nowhere instead of reading past the image.
func TestMaxPoolingRouteStaysInWindow(t *testing.T) {
	nan := float32(math.NaN())
	for _, tc := range []struct {
		name string
		x    []float32 // 2×3
		want []float32 // dx for dy = (1, 10)
	}{
		{"equal value right of the window", []float32{1, 2, 5, 5, 0, 0}, []float32{0, 0, 10, 1, 0, 0}},
		{"NaN first", []float32{nan, 2, 5, 5, 0, 0}, []float32{0, 0, 10, 0, 0, 0}},
		{"NaN first in the last window", []float32{1, 2, nan, 3, 0, 4}, []float32{0, 0, 0, 1, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := NewMaxPooling2D(2, 2, WithPadding("same"))
			if _, err := l.Build([]int{2, 3, 1}); err != nil || l.fast {
				t.Fatalf("Build: %v (fast path %v, expected the general one)", err, l.fast)
			}
			x := &Tensor{Shape: []int{1, 2, 3, 1}, Data: tc.x}
			y := NewTensor(1, 1, 2, 1)
			l.Forward(y, x, true)
			dx := NewTensor(1, 2, 3, 1)
			l.Backward(dx, &Tensor{Shape: []int{1, 1, 2, 1}, Data: []float32{1, 10}}, x, y)
			if !slices.Equal(dx.Data, tc.want) {
				t.Errorf("dx = %v, expected %v", dx.Data, tc.want)
			}
		})
	}
}
