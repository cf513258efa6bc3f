package atlas

import (
	"math"
	"math/rand"
	"os"
	"testing"
)

// naiveGroupMax is the plain enumeration of every branch choice of group
// t's positive units: the definition groupMax's search must agree with.
func naiveGroupMax(g *groupBound, t int, base []float64, cst float64) float64 {
	gr := &g.groups[t]
	n := len(gr.pos)
	ch := make([]int, n)
	coef := make([]float64, len(base))
	best := math.Inf(-1)
	for {
		copy(coef, base)
		val := cst
		for i, m := range gr.pos {
			if q := ch[i]; q > 0 {
				val += m.w * m.b1
				for j, o := range m.win[q-1] {
					coef[o] += m.w * m.kern[j]
				}
			}
		}
		best = max(best, val+g.vertSum(coef))
		i := 0
		for ; i < n; i++ {
			if ch[i]++; ch[i] <= g.npos {
				break
			}
			ch[i] = 0
		}
		if i == n {
			return best
		}
	}
}

// The branch-and-bound search of a group's term (groupMax) returns the
// plain enumeration's maximum, to rounding, for random coefficients of
// every scale (zero prices, prices like the optimiser's, large ones that
// dominate the units), on the default model's conv2d_2 groups of 1–8
// units (a few of the larger groups), twice in a row.
func TestGroupMaxSearch(t *testing.T) {
	_, bd := defaultBounder(t)
	rng := rand.New(rand.NewSource(3))
	for _, size := range []int{1, 2, 3, 5, 8} {
		for _, k := range []int{54, 7} {
			g, err := bd.newGroupBound(k, size, 0)
			if err != nil {
				t.Fatal(err)
			}
			base := make([]float64, g.nloc)
			for trial, scale := range []float64{0, 0.003, 0.03, 0.3} {
				for ti := range g.groups {
					if size >= 5 && ti%(2*size) != trial || size == 8 && (k != 54 || trial%2 == 0) {
						continue
					}
					for i := range base {
						base[i] = rng.NormFloat64() * scale
					}
					cst := rng.NormFloat64()
					want := naiveGroupMax(g, ti, base, cst)
					for rep := range 2 {
						if got := g.groupMax(ti, base, cst); math.Abs(got-want) > 1e-12*(1+math.Abs(want)) {
							t.Fatalf("conv2d_2/%d, size %d, group %d, scale %g, search %d: %.15g, enumeration %.15g", k, size, ti, scale, rep, got, want)
						}
					}
				}
			}
		}
	}
}

// TestGroupMaxSearchAllOff: the search against the plain enumeration
// where leaving every unit of a suffix off beats turning any of them on
// (large coefficients that the units' kernels pull down, or a box
// without 0, where V is negative). The search once started each level's
// unit n−1 from 0 instead of the all-off value Σ V(base), so H_{n−1} and
// with it the pruning bound came out too small (found in review: box
// [0.2, 1], coefficients −1, 9.6 against the enumeration's 9.589).
func TestGroupMaxSearchAllOff(t *testing.T) {
	_, bd0 := defaultBounder(t)
	for _, c := range []struct {
		name   string
		lo, hi float64
		base   float64
	}{
		{"box [0, 1], coefficients +5", 0, 1, 5},
		{"box [0, 1], coefficients −5", 0, 1, -5},
		{"box [0.2, 1], coefficients −1", 0.2, 1, -1},
		{"box [−1, −0.1], coefficients +1", -1, -0.1, 1},
	} {
		bd := *bd0
		bd.Lo, bd.Hi = c.lo, c.hi
		for _, size := range []int{1, 3} {
			g, err := bd.newGroupBound(54, size, 0)
			if err != nil {
				t.Fatal(err)
			}
			base := make([]float64, g.nloc)
			for i := range base {
				base[i] = c.base
			}
			for ti := range min(len(g.groups), 6) {
				want := naiveGroupMax(g, ti, base, 0)
				if got := g.groupMax(ti, base, 0); math.Abs(got-want) > 1e-12*(1+math.Abs(want)) {
					t.Errorf("%s, size %d, group %d: search %.15g, enumeration %.15g", c.name, size, ti, got, want)
				}
			}
		}
	}
}

// dfsGroupMax is the plain enumeration as a depth-first walk (each unit
// off or on at each window, coefficients changed and restored from
// copies): the same 5^n leaves as naiveGroupMax, fast enough for groups
// of 10.
func dfsGroupMax(g *groupBound, t int, base []float64, cst float64) float64 {
	gr := &g.groups[t]
	n := len(gr.pos)
	coef := append([]float64(nil), base...)
	best := math.Inf(-1)
	saves := make([][]float64, n)
	var walk func(j int, acc float64)
	walk = func(j int, acc float64) {
		if j == n {
			best = max(best, acc+g.vertSum(coef))
			return
		}
		walk(j+1, acc)
		m := gr.pos[j]
		for q := 1; q <= g.npos; q++ {
			w := m.win[q-1]
			saves[j] = saves[j][:0]
			for jj, o := range w {
				saves[j] = append(saves[j], coef[o])
				coef[o] += m.w * m.kern[jj]
			}
			walk(j+1, acc+m.w*m.b1)
			for jj, o := range w {
				coef[o] = saves[j][jj]
			}
		}
	}
	walk(0, cst)
	return best
}

// TestGroupMaxSearchOnCertificate: the search against the plain
// enumeration on a group of 10 units of conv2d_2/44's certificate,
// with the certificate's own coefficients (prices projected, the
// negative units' convex weights): the size the certified bounds use,
// which the random tests above reach only to 8.
func TestGroupMaxSearchOnCertificate(t *testing.T) {
	t.Parallel()
	_, bd := defaultBounder(t)
	data, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	certs, err := readCerts(data)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, c := range certs {
		if c.K != 44 {
			continue
		}
		g, err := bd.newGroupBound(c.K, c.Size, c.Span)
		if err != nil {
			t.Fatal(err)
		}
		lam := append([]float64(nil), c.Lam...)
		g.project(lam)
		for ti, gr := range g.groups {
			if len(gr.pos) != 10 || checked == 1 {
				continue
			}
			base := append([]float64(nil), lam[gr.off:gr.off+len(gr.px)]...)
			cst := 0.0
			for _, m := range gr.neg {
				softmax(g.nuv, c.Logit[m.nu*(g.npos+1):(m.nu+1)*(g.npos+1)])
				for q := range g.npos {
					a := m.w * g.nuv[q+1]
					cst += a * m.b1
					for j, o := range m.win[q] {
						base[o] += a * m.kern[j]
					}
				}
			}
			want := dfsGroupMax(g, ti, base, cst)
			if got := g.groupMax(ti, base, cst); math.Abs(got-want) > 1e-12*(1+math.Abs(want)) {
				t.Errorf("conv2d_2/44, group %d: search %.15g, enumeration %.15g", ti, got, want)
			}
			checked++
		}
	}
	if checked != 1 {
		t.Fatalf("expected a group of 10 units in conv2d_2/44's certificate, found %d", checked)
	}
}
