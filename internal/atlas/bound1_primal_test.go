package atlas

import (
	"math/rand"
	"testing"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/model"
)

// conv1Mean is the mean activation of the first convolution's channel
// described by tb (its kernel, bias and image size) on image x (h, w, c),
// in float64.
func conv1Mean(tb *TileBound1, x []float64) float64 {
	oh, ow := tb.H-tb.KH+1, tb.W-tb.KW+1
	var sum float64
	for y := range oh {
		for xx := range ow {
			z := tb.B
			t := 0
			for dy := range tb.KH {
				for dx := range tb.KW {
					for c := range tb.C {
						z += tb.K[t] * x[((y+dy)*tb.W+xx+dx)*tb.C+c]
						t++
					}
				}
			}
			sum += max(z, 0)
		}
	}
	return sum / float64(oh*ow)
}

// periodicSearch looks for a good binary image of period p×p (p divides
// the map: the mean over the map is then the mean over one period's
// cells, exactly): steepest single-pixel flips from random patterns,
// restarts times. It returns the best image found, full size.
func periodicSearch(tb *TileBound1, p, restarts int, rng *rand.Rand) []float64 {
	c := tb.C
	n := p * p * c
	val := func(pat []float64) float64 {
		var s float64
		for y := range p {
			for x := range p {
				z := tb.B
				t := 0
				for dy := range tb.KH {
					for dx := range tb.KW {
						for ch := range c {
							z += tb.K[t] * pat[(((y+dy)%p)*p+(x+dx)%p)*c+ch]
							t++
						}
					}
				}
				s += max(z, 0)
			}
		}
		return s
	}
	best, bestV := make([]float64, n), -1.0
	pat := make([]float64, n)
	for range restarts {
		for i := range pat {
			pat[i] = float64(rng.Intn(2))
		}
		v := val(pat)
		for improved := true; improved; {
			improved = false
			for i := range pat {
				pat[i] = 1 - pat[i]
				if w := val(pat); w > v+1e-12 {
					v, improved = w, true
				} else {
					pat[i] = 1 - pat[i]
				}
			}
		}
		if v > bestV {
			bestV = v
			copy(best, pat)
		}
	}
	img := make([]float64, tb.H*tb.W*c)
	for y := range tb.H {
		for x := range tb.W {
			for ch := range c {
				img[(y*tb.W+x)*c+ch] = best[((y%p)*p+x%p)*c+ch]
			}
		}
	}
	return img
}

// No image exceeds a certified TileBound1: on every channel of
// provenTile1, the bound is above the mean activation (float64) of the
// baseline images, of random binary images and of the best periodic
// binary images a local search finds (periods 1, 2 and 4 px; the search
// is also what the bound is compared with in docs/atlas.md: how far the
// bound is from an image that is there).
func TestTileConv1BoundAboveImages(t *testing.T) {
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	base := baselineImages(t, m)
	certs, err := readTileCerts(tileCertFile)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(11))
	for _, cert := range certs {
		tb := tileConv1(m.Net, cert.k, cert.g)
		bound := tb.Bound(cert.a, nil, true)
		var avg, top float64
		for _, im := range base {
			x := make([]float64, len(im))
			for i, v := range im {
				x[i] = float64(v)
			}
			v := conv1Mean(tb, x)
			avg += v
			top = max(top, v)
		}
		avg /= float64(len(base))
		for range 20 {
			x := make([]float64, tb.H*tb.W*tb.C)
			for i := range x {
				x[i] = float64(rng.Intn(2))
			}
			top = max(top, conv1Mean(tb, x))
		}
		for _, p := range []int{1, 2, 4} {
			v := conv1Mean(tb, periodicSearch(tb, p, 30, rng))
			t.Logf("conv2d_1/%d: best periodic image of period %d: %.4f = %.3f× the baseline (bound %.3f×)", cert.k, p, v, v/avg, bound/avg)
			top = max(top, v)
		}
		if top > bound {
			t.Errorf("conv2d_1/%d: an image reaches %.6g, above the certified bound %.6g", cert.k, top, bound)
		}
	}
}
