package atlas

import (
	"fmt"
	"math"
	"sort"
)

// GroupCellBound bounds the pre-activation z of one cell of channel k of
// the chain's third layer when the chain starts conv (relu) → max pooling
// → conv (the tutorial's conv2d_2), for every image in the box, by a
// Lagrangian decomposition that keeps the pooled units' nonlinearities
// exact. The cell reads pooled units t = (tap, channel), each
// p_t = max(0, z¹(x), …, z⁴(x)) over its window's four first-layer
// pre-activations, affine in the pixels the unit reads (exactly: the first
// layer is affine in the image), so
//
//	z = b + Σ_t w_t·p_t(x).
//
// The units at one pooled position read the same pixels. They are split
// into groups (up to size units with a positive weight each, largest
// w·u first, and a share of the position's units with a negative weight).
// Each group g gets its own copy x_g of its pixels, and multipliers λ_g
// that sum to zero at every pixel (over the groups that read it) price
// their disagreement: for any such λ,
//
//	z ≤ b + Σ_g max_{x_g in the box} [Σ_{t in g} w_t·p_t(x_g) + λ_g·x_g]
//
// (at x_g = x the added terms cancel). A unit with w_t < 0 contributes
// w_t·p_t ≤ w_t·Σᵢ νᵢ zⁱ for any convex weights ν over its five branches
// (z⁰ = 0; the max is at least any convex combination), linear. A group's
// term is then the largest, over every choice of branch of its positive
// units (5^size), of a linear function maximised in closed form — the
// group's maximum, not a relaxation of it (found by a branch-and-bound
// search, crown_group_enum.go). Every λ (with the zero sums)
// and ν gives a valid bound (the certificate, GroupCert); Adam on λ and
// on ν's softmax logits minimises it for iters steps (a projected
// subgradient method on a convex, piecewise linear function) and the
// smallest bound seen is returned with its certificate. This is the
// Lagrangian dual of the cell's exact maximisation with the pixels shared
// between groups relaxed (Bunel et al., "Lagrangian decomposition for
// neural network verification", UAI 2020, decompose by layer; here by
// groups of units of one layer, whose pixels the first layer makes exact).
// A larger size (1–32) is tighter and costs more: on conv2d_2, about
// 3× per unit beyond 8 with the search (one evaluation of groups of 12
// ~3.5 CPU-s, of 16 ~50). The result, after
// the ReLU, is at most the interval bound (Bounder's), which also holds.
func (bd *Bounder) GroupCellBound(k, iters, size int) (float64, *GroupCert, error) {
	return bd.GroupCellBoundSpan(k, iters, size, 0)
}

// GroupCellBoundSpan is GroupCellBound with the groups of span's layout
// (spanSets, crown_group_span.go): 0 groups the units of each pooled
// position apart, 1 those of pairs of neighbouring positions.
func (bd *Bounder) GroupCellBoundSpan(k, iters, size, span int) (float64, *GroupCert, error) {
	g, err := bd.newGroupBound(k, size, span)
	if err != nil {
		return 0, nil, err
	}
	best, cert := g.optimise(iters, nil)
	return min(best, max(bd.zu[2][k], 0)), cert, nil
}

// GroupCert holds the multipliers of one GroupCellBound: λ per group and
// pixel of its copy, ν's logits per negative unit.
type GroupCert struct {
	K, Size    int
	Span       int // 0: groups of one pooled position; spanSets' layouts
	Lam, Logit []float64
}

// CertifiedBound returns the bound GroupCellBound's decomposition gives
// with cert's multipliers, for channel cert.K. The prices are projected
// again (Σ λ = 0 at every pixel) and what float rounding leaves of their
// sums is added at its worst (|Σ λ|·max(|Lo|, |Hi|) per pixel), so any
// cert — stored rounded, or made up — gives a valid bound (at most the
// interval bound, as GroupCellBound's).
func (bd *Bounder) CertifiedBound(cert *GroupCert) (float64, error) {
	g, err := bd.newGroupBound(cert.K, cert.Size, cert.Span)
	if err != nil {
		return 0, err
	}
	if len(cert.Lam) != g.nlam || len(cert.Logit) != g.nNu*(g.npos+1) {
		return 0, fmt.Errorf("atlas: bound: expected a certificate of %d and %d values, received %d and %d", g.nlam, g.nNu*(g.npos+1), len(cert.Lam), len(cert.Logit))
	}
	lam := append([]float64(nil), cert.Lam...)
	g.project(lam)
	g.sums(lam)
	var slack float64
	for _, v := range g.sum {
		slack += math.Abs(v) * max(math.Abs(bd.Lo), math.Abs(bd.Hi))
	}
	return min(max(g.eval(lam, cert.Logit, nil, nil), 0)+slack, max(bd.zu[2][cert.K], 0)), nil
}

// groupBound is one GroupCellBound problem.
type groupBound struct {
	bd              *Bounder
	k, size         int
	b               float64
	span            int
	npos, nloc, nNu int // nloc: the most pixels a group reads
	nlam            int // λ's length: Σ over groups of their pixels
	groups          []group
	readers, sum    []float64
	// scratch
	base, coef, bestCoef, nuv []float64
	coefBuf, bestBuf          []float64
	dcoef, dcoefBuf, hbuf     []float64
	hsuf                      []float64
	lev                       int
	choice, bestChoice        []int
	save, dsave               [][]float64 // per unit of a group: coefficients saved by search
	best                      float64
	enum                      []enumState // per group (crown_group_enum.go)
}

type member struct {
	w, b1 float64
	kern  []float64
	nu    int     // negative: index of its ν logits
	id    int     // position·channels + channel
	win   [][]int // per window (branch − 1): the group's local pixel of each kernel tap
}

type group struct {
	px       []int // pixel of the cell's patch of each local pixel
	off      int   // of the group's λ
	pos, neg []member
}

func (bd *Bounder) newGroupBound(k, size, span int) (*groupBound, error) {
	if len(bd.layers) < 3 || bd.layers[0].pool > 0 || bd.layers[1].pool == 0 || bd.layers[2].pool > 0 || !bd.layers[0].relu {
		return nil, fmt.Errorf("atlas: bound: expected conv (relu), max pooling, conv")
	}
	c1, pl, c2 := bd.layers[0], bd.layers[1], bd.layers[2]
	if k < 0 || k >= c2.co || size < 1 || size > 32 {
		return nil, fmt.Errorf("atlas: bound: expected a channel below %d and a group size 1–32, received %d, %d", c2.co, k, size)
	}
	P, ch := pl.pool, bd.in[2]
	rh, rw := c2.kh*P+c1.kh-1, c2.kw*P+c1.kw-1 // the cell's patch
	gb := &groupBound{bd: bd, k: k, size: size, span: span, b: c2.b[k], npos: P * P}
	var units []posUnits // per pooled position (ty, tx)
	nNu := 0
	for ty := range c2.kh {
		for tx := range c2.kw {
			var u posUnits
			for dy := range P {
				for dx := range P {
					var loc []int
					for ky := range c1.kh {
						for kx := range c1.kw {
							for ci := range ch {
								loc = append(loc, ((ty*P+dy+ky)*rw+tx*P+dx+kx)*ch+ci)
							}
						}
					}
					u.gwin = append(u.gwin, loc)
				}
			}
			var pos []member
			var key []float64
			for c := range c2.ci {
				w := c2.k[((ty*c2.kw+tx)*c2.ci+c)*c2.co+k]
				if w == 0 || bd.zu[0][c] <= 0 {
					continue
				}
				m := member{w: w, b1: c1.b[c], id: (ty*c2.kw+tx)*c2.ci + c}
				for ky := range c1.kh {
					for kx := range c1.kw {
						for ci := range ch {
							m.kern = append(m.kern, c1.k[((ky*c1.kw+kx)*ch+ci)*c1.co+c])
						}
					}
				}
				if w < 0 {
					m.nu = nNu
					nNu++
					u.neg = append(u.neg, m)
				} else {
					pos = append(pos, m)
					key = append(key, w*bd.zu[0][c])
				}
			}
			idx := make([]int, len(pos))
			for i := range idx {
				idx[i] = i
			}
			sort.Slice(idx, func(a, b int) bool { return key[idx[a]] > key[idx[b]] })
			for _, j := range idx {
				u.pos = append(u.pos, pos[j])
			}
			units = append(units, u)
		}
	}
	gb.nNu = nNu
	gb.layout(units, spanSets(c2.kh, c2.kw, span))
	gb.readers = make([]float64, rh*rw*ch)
	for _, g := range gb.groups {
		for _, p := range g.px {
			gb.readers[p]++
		}
	}
	gb.sum = make([]float64, rh*rw*ch)
	gb.base, gb.coef, gb.bestCoef = make([]float64, gb.nloc), make([]float64, gb.nloc), make([]float64, gb.nloc)
	gb.coefBuf, gb.bestBuf, gb.dcoefBuf = gb.coef, gb.bestCoef, make([]float64, gb.nloc)
	nu := 0 // the most positive units a group holds
	for _, g := range gb.groups {
		nu = max(nu, len(g.pos))
	}
	gb.nuv, gb.choice, gb.bestChoice = make([]float64, gb.npos+1), make([]int, nu), make([]int, nu)
	gb.save, gb.dsave, gb.hbuf = make([][]float64, nu), make([][]float64, nu), make([]float64, nu+1)
	for i := range gb.save {
		gb.save[i], gb.dsave[i] = make([]float64, c1.kh*c1.kw*ch), make([]float64, c1.kh*c1.kw*ch)
	}
	gb.initEnum()
	return gb, nil
}
