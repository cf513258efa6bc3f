package atlas

import (
	"fmt"
	"math"
)

// SplitBound1 bounds the largest mean activation of a first convolution's
// channel (valid padding, stride 1) over images with pixels in [Lo, Hi]
// by strips of rows of cells (Heights, top to bottom) coupled through
// functions of the cells they share a pixel with, a tighter coupling than
// StripBound1's prices on the pixels.
//
// Given the active cells S, the best image is chosen pixel by pixel, so
// the map's sum is F(S) = b·|S| + Σ_pixels φ_x(S ∩ N(x)), N(x) the KH×KW
// cells reading pixel x and φ_x(T) = Σ_ch max_v v·Σ_{c∈T} K_{c→x,ch}. A
// pixel of the KH−1 rows two strips share (boundary row r: the upper
// strip's cells read it with dy > r, the lower's with dy ≤ r) has
// N(x) = U ∪ L, and for any functions α_{r,x}(U), β_{r,x}(L)
//
//	φ_x(U ∪ L) ≤ α_{r,x}(U) + β_{r,x}(L) + max_{U',L'} [φ_x(U' ∪ L') − α(U') − β(L')],
//
// so F(S) is at most the sum over the strips of their exact maxima, each
// with α or β in place of φ on its shared rows (stripDP), plus the last
// term per shared pixel. Every boundary uses the same α, β (one set per
// boundary row and pixel column: KW·(KH−1−r) and KW·(r+1) bits), so strips
// of one height and the same neighbours have one maximum. StripBound1's
// prices λ are the case α = Σ_ch max_v v·(u + λ), β = Σ_ch max_v v·(l − λ);
// general α, β are the Lagrangian dual of the strips agreeing on the joint
// law of the cells around each shared pixel, not only on the pixel's mean
// (Sontag, Globerson & Jaakkola, "Introduction to dual decomposition for
// inference", 2011, on the choice of the coupled variables).
type SplitBound1 struct {
	S StripBound1 // kernel, image, box, Heights, MaxBits; its multipliers unused
}

// splitKind is a strip height with or without neighbours above and below.
type splitKind struct {
	g           int
	top, bottom bool
	count       int
}

func (sp *SplitBound1) kinds() []splitKind {
	var ks []splitKind
	n := len(sp.S.Heights)
	for i, g := range sp.S.Heights {
		k := splitKind{g: g, top: i > 0, bottom: i < n-1}
		if k.top && k.bottom && g < sp.S.KH-1 {
			panic("atlas: SplitBound1: a strip between two others needs at least KH−1 rows of cells")
		}
		found := false
		for j := range ks {
			if ks[j].g == k.g && ks[j].top == k.top && ks[j].bottom == k.bottom {
				ks[j].count++
				found = true
			}
		}
		if !found {
			k.count = 1
			ks = append(ks, k)
		}
	}
	return ks
}

// layout returns, for boundary row r and pixel column x, where α and β
// start in the parameters, their sizes, and the parameters' length.
func (sp *SplitBound1) layout() (aOff, bOff [][]int, aN, bN []int, n int) {
	kh, kw := sp.S.KH, sp.S.KW
	aOff, bOff = make([][]int, kh-1), make([][]int, kh-1)
	aN, bN = make([]int, kh-1), make([]int, kh-1)
	for r := range kh - 1 {
		aN[r], bN[r] = 1<<(kw*(kh-1-r)), 1<<(kw*(r+1))
		aOff[r], bOff[r] = make([]int, sp.S.W), make([]int, sp.S.W)
	}
	for x := range sp.S.W {
		for r := range kh - 1 {
			aOff[r][x] = n
			n += aN[r]
			bOff[r][x] = n
			n += bN[r]
		}
	}
	return aOff, bOff, aN, bN, n
}

// check tells whether the strips cover the map, a strip between two
// others has at least KH−1 rows of cells, and n is the number of
// parameters.
func (sp *SplitBound1) check(n int) error {
	sum := 0
	for i, g := range sp.S.Heights {
		if g <= 0 || i > 0 && i < len(sp.S.Heights)-1 && g < sp.S.KH-1 {
			return fmt.Errorf("expected strips of at least %d rows of cells, received %v", sp.S.KH-1, sp.S.Heights)
		}
		sum += g
	}
	if oh := sp.S.H - sp.S.KH + 1; sum != oh {
		return fmt.Errorf("expected strips summing to %d rows of cells, received %v", oh, sp.S.Heights)
	}
	if want := sp.Len(); n != want {
		return fmt.Errorf("expected %d parameters, received %d", want, n)
	}
	return nil
}

// Len is the number of parameters.
func (sp *SplitBound1) Len() int { _, _, _, _, n := sp.layout(); return n }

// phi is φ for a code of active cells (bit dy·KW + dx).
func (sp *SplitBound1) phi(code int) float64 {
	s := &sp.S
	var v float64
	for ch := range s.C {
		var z float64
		for t := range s.KH * s.KW {
			if code>>t&1 == 1 {
				z += s.K[t*s.C+ch]
			}
		}
		v += s.box(z)
	}
	return v
}

// validMask is the mask of cells that exist for pixel column x (cell
// column x − dx inside the map).
func (sp *SplitBound1) validMask(x int) int {
	s := &sp.S
	ow := s.W - s.KW + 1
	m := 0
	for dy := range s.KH {
		for dx := range s.KW {
			if j := x - dx; j >= 0 && j < ow {
				m |= 1 << (dy*s.KW + dx)
			}
		}
	}
	return m
}

// FromPrices returns the parameters equal to StripBound1's prices: the
// upper strip's λ from aUp (rows g..g+KH−2 of a strip of g rows' patch
// multipliers), the lower's from aLow (rows 0..KH−2).
func (sp *SplitBound1) FromPrices(aUp []float64, g int, aLow []float64) []float64 {
	s := &sp.S
	kh, kw, c, w := s.KH, s.KW, s.C, s.W
	aOff, bOff, aN, bN, n := sp.layout()
	p := make([]float64, n)
	for r := range kh - 1 {
		sh := kw * (r + 1)
		for x := range w {
			for j := range aN[r] {
				code := j << sh
				for ch := range c {
					var z float64
					for t := range kh * kw {
						if code>>t&1 == 1 {
							z += s.K[t*c+ch]
						}
					}
					p[aOff[r][x]+j] += s.box(z + aUp[((g+r)*w+x)*c+ch])
				}
			}
			for j := range bN[r] {
				for ch := range c {
					var z float64
					for t := range kh * kw {
						if j>>t&1 == 1 {
							z += s.K[t*c+ch]
						}
					}
					p[bOff[r][x]+j] += s.box(z + aLow[(r*w+x)*c+ch])
				}
			}
		}
	}
	return p
}

// Bound returns the bound of parameters p (the mean over the map) and, in
// grad (if not nil), a subgradient with respect to p.
func (sp *SplitBound1) Bound(p, grad []float64) float64 {
	s := &sp.S
	kh, kw, w := s.KH, s.KW, s.W
	oh, ow := s.H-kh+1, s.W-kw+1
	nCode := 1 << (kh * kw)
	aOff, bOff, aN, bN, n := sp.layout()
	if grad != nil {
		clear(grad[:n])
	}
	var total float64
	nb := len(s.Heights) - 1
	for _, k := range sp.kinds() {
		ph := k.g + kh - 1
		fn := make([][]float64, ph)
		for r := range kh - 1 {
			if k.top {
				t := make([]float64, w*nCode)
				for x := range w {
					for code := range nCode {
						t[x*nCode+code] = p[bOff[r][x]+code&(bN[r]-1)]
					}
				}
				fn[r] = t
			}
			if k.bottom {
				t := make([]float64, w*nCode)
				for x := range w {
					for code := range nCode {
						t[x*nCode+code] = p[aOff[r][x]+(code>>(kw*(r+1)))&(aN[r]-1)]
					}
				}
				fn[k.g+r] = t
			}
		}
		var masks []int
		if grad != nil {
			masks = make([]int, w)
		}
		total += float64(k.count) * s.stripDP(k.g, nil, fn, masks)
		if grad == nil {
			continue
		}
		// The cells around each shared pixel in the maximising activity.
		code := func(y, x int) int {
			c := 0
			for dy := range kh {
				for dx := range kw {
					i, j := y-dy, x-dx
					if i >= 0 && i < k.g && j >= 0 && j < ow && masks[j]>>i&1 == 1 {
						c |= 1 << (dy*kw + dx)
					}
				}
			}
			return c
		}
		for r := range kh - 1 {
			for x := range w {
				if k.top {
					grad[bOff[r][x]+code(r, x)&(bN[r]-1)] += float64(k.count)
				}
				if k.bottom {
					grad[aOff[r][x]+(code(k.g+r, x)>>(kw*(r+1)))&(aN[r]-1)] += float64(k.count)
				}
			}
		}
	}
	for r := range kh - 1 {
		sh := kw * (r + 1)
		for x := range w {
			valid := sp.validMask(x)
			best, bc := math.Inf(-1), 0
			for code := range nCode {
				if code&^valid != 0 {
					continue
				}
				v := sp.phi(code) - p[aOff[r][x]+code>>sh] - p[bOff[r][x]+code&(bN[r]-1)]
				if v > best {
					best, bc = v, code
				}
			}
			total += float64(nb) * best
			if grad != nil {
				grad[aOff[r][x]+bc>>sh] -= float64(nb)
				grad[bOff[r][x]+bc&(bN[r]-1)] -= float64(nb)
			}
		}
	}
	if grad != nil {
		for i := range grad[:n] {
			grad[i] /= float64(oh * ow)
		}
	}
	return total / float64(oh*ow)
}

// Optimise runs iters steps of Adam (step lr, falling to lr/10) on the
// parameters from p (changed in place to the best found) and returns the
// smallest bound seen.
func (sp *SplitBound1) Optimise(p []float64, iters int, lr float64) float64 {
	return adamMinimise(p, iters, lr, sp.Bound)
}
