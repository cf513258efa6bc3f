package atlas

import (
	"math"
	"math/rand"
	"testing"
)

// The spectrum's image is the formula of its doc comment, computed
// directly, and Adjoint is its transpose: ⟨Image(p), g⟩ = ⟨p, Adjoint(g)⟩.
func TestSpectrum(t *testing.T) {
	for _, sz := range [][3]int{{6, 8, 3}, {5, 7, 1}, {4, 5, 2}} {
		h, w, c := sz[0], sz[1], sz[2]
		s := newSpectrum(h, w, c)
		rng := rand.New(rand.NewSource(1))
		p := make([]float32, s.Size())
		for i := range p {
			p[i] = float32(rng.NormFloat64())
		}
		y := make([]float32, h*w*c)
		s.Image(y, p)
		cols, wf := s.cols, s.wf
		for ch := range c {
			for m := range h {
				for n := range w {
					var want float64
					for u := range h {
						for v := range cols {
							th := 2 * math.Pi * (float64(u*m)/float64(h) + float64(v*n)/float64(wf))
							q := 2 * ((ch*h+u)*cols + v)
							k := s.scale[u*cols+v]
							want += k * (float64(p[q])*math.Cos(th) - float64(p[q+1])*math.Sin(th))
						}
					}
					if got := float64(y[(m*w+n)*c+ch]); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
						t.Fatalf("%v: y[%d,%d,%d] = %g, want %g", sz, m, n, ch, got, want)
					}
				}
			}
		}
		g := make([]float32, h*w*c)
		for i := range g {
			g[i] = float32(rng.NormFloat64())
		}
		dp := make([]float32, s.Size())
		s.Adjoint(dp, g)
		var a, b float64
		for i := range y {
			a += float64(y[i]) * float64(g[i])
		}
		for i := range p {
			b += float64(p[i]) * float64(dp[i])
		}
		if math.Abs(a-b) > 1e-4*(1+math.Abs(a)) {
			t.Errorf("%v: ⟨Image(p), g⟩ = %g, ⟨p, Adjoint(g)⟩ = %g", sz, a, b)
		}
	}
}
