package atlas

import "math"

// The evaluation and optimisation of GroupCellBound's decomposition
// (crown_group.go).

// sums sets g.sum to Σ_g λ_g at every pixel.
func (g *groupBound) sums(v []float64) {
	clear(g.sum)
	for _, gr := range g.groups {
		for j, p := range gr.px {
			g.sum[p] += v[gr.off+j]
		}
	}
}

// project makes Σ_g λ_g = 0 at every pixel.
func (g *groupBound) project(v []float64) {
	g.sums(v)
	for _, gr := range g.groups {
		for j, p := range gr.px {
			v[gr.off+j] -= g.sum[p] / g.readers[p]
		}
	}
}

func (g *groupBound) vert(c float64) float64 {
	if c > 0 {
		return g.bd.Hi
	}
	return g.bd.Lo
}

// eval returns the bound for λ (lam) and ν's logits (phi), and with glam
// non-nil a subgradient in glam and gphi.
func (g *groupBound) eval(lam, phi, glam, gphi []float64) float64 {
	npos, nuv := g.npos, g.nuv
	z := g.b
	for t, gr := range g.groups {
		nl := len(gr.px)
		base := g.base[:nl]
		copy(base, lam[gr.off:gr.off+nl])
		cst := 0.0
		for _, m := range gr.neg {
			softmax(nuv, phi[m.nu*(npos+1):(m.nu+1)*(npos+1)])
			for q := range npos {
				a := m.w * nuv[q+1]
				cst += a * m.b1
				for j, o := range m.win[q] {
					base[o] += a * m.kern[j]
				}
			}
		}
		best := g.groupMax(t, base, cst)
		z += best
		if glam == nil {
			continue
		}
		gl := glam[gr.off : gr.off+nl]
		for j, c := range g.bestCoef {
			gl[j] = g.vert(c)
		}
		for _, m := range gr.neg {
			softmax(nuv, phi[m.nu*(npos+1):(m.nu+1)*(npos+1)])
			dn := gphi[m.nu*(npos+1) : (m.nu+1)*(npos+1)]
			dn[0] = 0
			for q := range npos {
				s := m.b1
				for j, o := range m.win[q] {
					s += m.kern[j] * gl[o]
				}
				dn[q+1] = m.w * s
			}
			avg := 0.0
			for q := range npos + 1 {
				avg += nuv[q] * dn[q]
			}
			for q := range npos + 1 {
				dn[q] = nuv[q] * (dn[q] - avg)
			}
		}
	}
	return z
}

// optimise runs Adam for iters steps from λ = 0 and ν near the ReLU's
// zero (dualStartLogit: the interval bound's choice), or from another
// layout's multipliers (transfer), and returns the
// smallest bound seen (after the ReLU) and its multipliers.
func (g *groupBound) optimise(iters int, from *groupStart) (float64, *GroupCert) {
	n := g.nlam
	lam, glam, mlam, vlam := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	m := g.nNu * (g.npos + 1)
	phi, gphi, mphi, vphi := make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
	for i := range g.nNu {
		phi[i*(g.npos+1)] = dualStartLogit
	}
	if from != nil {
		g.transfer(from, lam)
		copy(phi, from.cert.Logit)
	}
	cert := &GroupCert{K: g.k, Size: g.size, Span: g.span, Lam: make([]float64, n), Logit: make([]float64, m)}
	best := g.eval(lam, phi, nil, nil)
	copy(cert.Lam, lam)
	copy(cert.Logit, phi)
	const b1, b2 = 0.9, 0.999
	for it := range iters {
		g.eval(lam, phi, glam, gphi)
		g.project(glam)
		decay := 1 / math.Sqrt(1+float64(it)/100)
		c1, c2 := 1-math.Pow(b1, float64(it+1)), 1-math.Pow(b2, float64(it+1))
		step := func(v, gr, mm, s []float64, lr float64) {
			for i, gi := range gr {
				mm[i] = b1*mm[i] + (1-b1)*gi
				s[i] = b2*s[i] + (1-b2)*gi*gi
				v[i] -= lr * (mm[i] / c1) / (math.Sqrt(s[i]/c2) + 1e-12)
			}
		}
		step(lam, glam, mlam, vlam, dualStepLambda*decay)
		step(phi, gphi, mphi, vphi, dualStepNu*decay)
		g.project(lam)
		if v := g.eval(lam, phi, nil, nil); v < best {
			best = v
			copy(cert.Lam, lam)
			copy(cert.Logit, phi)
		}
	}
	return max(best, 0), cert
}

// softmax sets dst = softmax(src).
func softmax(dst, src []float64) {
	m := math.Inf(-1)
	for _, v := range src {
		m = max(m, v)
	}
	var s float64
	for i, v := range src {
		dst[i] = math.Exp(v - m)
		s += dst[i]
	}
	for i := range dst {
		dst[i] /= s
	}
}

// The dual's start (ν's logit of the ReLU's zero: ν₀ ≈ 0.93) and Adam's
// steps, on λ (whose entries compare with a weight times a kernel tap,
// ~0.01) and on ν's logits, each decaying as 1/√(1 + step/100). Chosen on
// conv2d_2/3 and /4 (size 1, 300–1000 steps): a λ step of 0.002 ended at
// 5.64× for /3, 0.0005 at 5.10×, 0.0002 at 5.04×; ν's step 0.05 and 0.2
// the same.
var (
	dualStartLogit = 3.0
	dualStepLambda = 0.0005
	dualStepNu     = 0.05
)
