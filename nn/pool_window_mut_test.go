package nn

import (
	"fmt"
	"math"
	"testing"
)

// TestAveragePoolingInverseCount checks inverseCount at every output pixel
// against a count of the window's taps: inside the image by default,
// inside the padded image (but not past it, where a ceil-mode window may
// reach) with count_include_pad. The geometries have windows cut by each
// border and by the end of a ceil-mode grid.
func TestAveragePoolingInverseCount(t *testing.T) {
	for _, tc := range []struct {
		h, w, kh, kw, sh, sw int
		pads                 [4]int
		ceil                 bool
	}{
		{h: 5, w: 6, kh: 2, kw: 3, sh: 2, sw: 2, pads: [4]int{1, 2, 1, 0}},
		{h: 6, w: 5, kh: 3, kw: 2, sh: 2, sw: 2, pads: [4]int{0, 1, 2, 1}, ceil: true},
		{h: 7, w: 7, kh: 3, kw: 3, sh: 3, sw: 2, pads: [4]int{1, 1, 0, 2}, ceil: true},
		{h: 4, w: 9, kh: 2, kw: 4, sh: 1, sw: 3, pads: [4]int{1, 3, 1, 0}, ceil: true},
		{h: 3, w: 3, kh: 3, kw: 3, sh: 1, sw: 1},
	} {
		for _, countPad := range []bool{false, true} {
			name := fmt.Sprintf("%d×%d pool %d×%d/%d×%d pads %v ceil %v countPad %v", tc.h, tc.w, tc.kh, tc.kw, tc.sh, tc.sw, tc.pads, tc.ceil, countPad)
			p := tc.pads
			l := NewAveragePooling2D(tc.kh, tc.kw, WithStrides(tc.sh, tc.sw), WithPads(p[0], p[1], p[2], p[3]),
				WithCeilMode(tc.ceil), WithCountIncludePad(countPad))
			if _, err := l.Build([]int{tc.h, tc.w, 1}); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			g := &l.g
			for oy := 0; oy < g.oh; oy++ {
				iy0, ilo, ihi := span(oy, g.sh, g.pt, g.kh, g.h)
				for ox := 0; ox < g.ow; ox++ {
					ix0, jlo, jhi := span(ox, g.sw, g.pl, g.kw, g.w)
					count := 0
					for u := 0; u < g.kh; u++ {
						for v := 0; v < g.kw; v++ {
							iy, ix := oy*g.sh-g.pt+u, ox*g.sw-g.pl+v
							inImage := iy >= 0 && iy < g.h && ix >= 0 && ix < g.w
							inPadded := iy >= -g.pt && iy < g.h+g.pb && ix >= -g.pl && ix < g.w+g.pr
							if inImage || countPad && inPadded {
								count++
							}
						}
					}
					if got, want := l.inverseCount(iy0, ix0, ilo, ihi, jlo, jhi), 1/float32(count); got != want {
						t.Errorf("%s: output (%d, %d): inverseCount = %g (1/%g), expected 1/%d", name, oy, ox, got, 1/got, count)
					}
				}
			}
		}
	}
}

// TestMaxIntoLengths runs maxInto and MaxInto on every length from 0 to
// 17 (empty, the AVX2 multiples of 8 and the Go remainder lengths) with src
// longer than dst: dst[i] becomes max(dst[i], src[i]) for i < len(dst) and
// nothing else changes.
func TestMaxIntoLengths(t *testing.T) {
	for n := 0; n <= 17; n++ {
		for _, exported := range []bool{false, true} {
			buf := make([]float32, n+3)
			src := make([]float32, n+3)
			for i := range buf {
				buf[i] = float32((i*5)%7) - 3
				src[i] = float32((i*3)%5) - 2
			}
			want := append([]float32(nil), buf...)
			for i := 0; i < n; i++ {
				want[i] = max(buf[i], src[i])
			}
			if exported {
				MaxInto(buf[:n], src)
			} else {
				maxInto(buf[:n], src)
			}
			for i := range buf {
				if buf[i] != want[i] {
					t.Fatalf("n=%d exported=%v: dst[%d] = %g, expected %g", n, exported, i, buf[i], want[i])
				}
			}
		}
	}
}

// TestMaxIntoKeepsTies pins that a value of src equal to dst's does not
// replace it (v > d): the sign of a zero in dst stays (−0 against +0 and
// +0 against −0), in the Go loop and in the AVX2 one (lengths 5 and 8).
func TestMaxIntoKeepsTies(t *testing.T) {
	neg, pos := float32(math.Copysign(0, -1)), float32(0)
	for _, n := range []int{5, 8} {
		for _, f := range []struct {
			name string
			fn   func(dst, src []float32)
		}{{"maxIntoGo", maxIntoGo}, {"maxInto", maxInto}} {
			dst, src := make([]float32, n), make([]float32, n)
			for i := range dst {
				dst[i], src[i] = neg, pos
				if i%2 == 1 {
					dst[i], src[i] = pos, neg
				}
			}
			f.fn(dst, src)
			for i, v := range dst {
				if want := i%2 == 0; math.Signbit(float64(v)) != want {
					t.Errorf("%s, n=%d: dst[%d] = %v (sign bit %v), expected the sign of dst's zero kept", f.name, n, i, v, !want)
				}
			}
		}
	}
}
