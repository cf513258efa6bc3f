package nn

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestWinogradTransformBounds checks the tile transforms' length checks,
// for F(2×2) (winoIn, winoOut) and F(4×4) (winoIn4, winoOut4): the
// assembly reads and writes through the first element's address, so the
// checks up front are all that keep it inside the slices. Each slice of
// exactly the length n tiles need (winoTransform's layout: tiles m·cin
// floats apart, α rows ldx apart; α² positions ldv apart; outputs m·pf
// apart, m rows ldy apart; F(4×4)'s assembly scratch, 36·8 and 24·8
// values) is accepted and every output written; one value shorter, any one
// of them is refused with a panic. The output transform also takes a nil
// bias (no bias: the Go loop for every channel). Channels below,
// at and past the vector width (the Go loops alone, the assembly alone,
// both), one and three tiles.
func TestWinogradTransformBounds(t *testing.T) {
	for _, tr := range []*winoTransform{wino2, wino4} {
		m, a, pos := tr.m, tr.alpha, tr.pos
		for _, cin := range []int{3, 8, 11} {
			for _, n := range []int{1, 3} {
				name := fmt.Sprintf("F%d, %d channels, %d tiles", m, cin, n)
				rng := rand.New(rand.NewSource(int64(cin + 10*n)))
				ldx, ldv := (m*n+a)*cin+5, n*cin+3
				// the input transform
				x := make([]float32, (n-1)*m*cin+(a-1)*ldx+a*cin)
				fillUniform(x, 1, rng)
				v := make([]float32, (pos-1)*ldv+n*cin)
				tmpIn, tmpOut := 0, 0 // the assembly's scratch (F(4×4))
				if m == 4 {
					tmpIn, tmpOut = 36*8, 24*8
				}
				tmp := make([]float32, tmpIn)
				in := func(x, v, tmp []float32) { tr.in(v, ldv, x, ldx, cin, n, tmp) }
				if !winoPanics(func() { in(x, v, tmp) }) {
					// every V_ξ[t, c] is written: compare with the Go loop
					want := make([]float32, len(v))
					if m == 2 {
						winoInGo(want, ldv, x, ldx, cin, 0, n)
					} else {
						winoIn4Go(want, ldv, x, ldx, cin, 0, n)
					}
					for xi := 0; xi < pos; xi++ {
						for i := 0; i < n*cin; i++ {
							if g, w := v[xi*ldv+i], want[xi*ldv+i]; !(winoAbs(g-w) <= 1e-4) {
								t.Fatalf("%s: input transform V_%d[%d] = %g, expected %g", name, xi, i, g, w)
							}
						}
					}
				} else {
					t.Errorf("%s: the input transform refused slices of exactly the lengths it needs", name)
				}
				shortIn := map[string]func(){
					"x": func() { in(x[:len(x)-1], v, tmp) },
					"v": func() { in(x, v[:len(v)-1], tmp) },
				}
				if useSIMD && cin >= 8 && m == 4 {
					shortIn["tmp"] = func() { in(x, v, tmp[:tmpIn-1]) }
				}
				for s, fn := range shortIn {
					if !winoPanics(fn) {
						t.Errorf("%s: the input transform accepted %s one value short", name, s)
					}
				}
				// the output transform
				ldm, pf := n*cin+2, cin+1
				ldy := m*n*pf + 4
				mm := make([]float32, (pos-1)*ldm+n*cin)
				fillUniform(mm, 1, rng)
				b := make([]float32, cin)
				fillUniform(b, 1, rng)
				y := make([]float32, (n-1)*m*pf+(m-1)*ldy+(m-1)*pf+cin)
				lo, hi := winoClamp(actLinear)
				tmp = make([]float32, tmpOut)
				out := func(y, mm, tmp []float32) { tr.out(y, ldy, pf, mm, ldm, cin, b, n, lo, hi, tmp) }
				if winoPanics(func() { out(y, mm, tmp) }) {
					t.Errorf("%s: the output transform refused slices of exactly the lengths it needs", name)
				}
				// no bias (b nil): the Go loop's outputs with a zero bias
				want := make([]float32, len(y))
				if m == 2 {
					winoOutGo(want, ldy, pf, mm, ldm, cin, 0, make([]float32, cin), n, lo, hi)
				} else {
					winoOut4Go(want, ldy, pf, mm, ldm, cin, 0, make([]float32, cin), n, lo, hi)
				}
				clear(y)
				if winoPanics(func() { tr.out(y, ldy, pf, mm, ldm, cin, nil, n, lo, hi, tmp) }) {
					t.Errorf("%s: the output transform refused a nil bias", name)
				} else {
					for i := range y {
						if y[i] != want[i] {
							t.Fatalf("%s, no bias: output %d = %g, expected %g", name, i, y[i], want[i])
						}
					}
				}
				shortOut := map[string]func(){
					"y": func() { out(y[:len(y)-1], mm, tmp) },
					"m": func() { out(y, mm[:len(mm)-1], tmp) },
				}
				if useSIMD && cin >= 8 && m == 4 {
					shortOut["tmp"] = func() { out(y, mm, tmp[:tmpOut-1]) }
				}
				for s, fn := range shortOut {
					if !winoPanics(fn) {
						t.Errorf("%s: the output transform accepted %s one value short", name, s)
					}
				}
			}
		}
	}
}

// winoPanics reports whether fn panics.
func winoPanics(fn func()) (p bool) {
	defer func() { p = recover() != nil }()
	fn()
	return false
}

// winoAbs is |v|.
func winoAbs(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
