package atlas

import (
	"math"
	"math/rand"
	"testing"

	"github.com/convscope/convscope/nn"
)

// Every layout and start of GroupCellBound is a bound: on small random
// chains whose cell reads 2×2 pooled positions with overlapping windows
// (5×5 pixels, 2×2 first kernel), the bound of groups of one position
// (span 0) and of pairs of neighbouring positions (span 1), of groups
// of 1–8 units (the search of crown_group_enum.go on groups larger than
// 5 units) and of multipliers started from a smaller layout's
// (GroupCellBoundFrom) is above the cell's pre-activation on every one
// of 2¹⁸ box vertices (pixels 0 or 1, the rest drawn at random) and
// 20 000 random images, and CertifiedBound gives the returned bound
// back from the certificate.
func TestGroupCellBoundLayouts(t *testing.T) {
	const c, k1, k2 = 1, 2, 2
	r := 2*k2 + k1 - 1
	n := r * r * c
	for _, seed := range []int64{21, 22} {
		net := groupNet2(t, c, k1, k2, k2, 12, 2, seed)
		rng := rand.New(rand.NewSource(seed))
		const nv, nr = 1 << 18, 20000
		x := nn.NewTensor(nv+nr, r, r, c)
		for i := range nv + nr {
			for q := range n {
				if i < nv {
					x.Data[i*n+q] = float32(rng.Intn(2))
				} else {
					x.Data[i*n+q] = rng.Float32()
				}
			}
		}
		y := net.Forward(x, false)
		bd, err := NewBounder(net, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		for k := range 2 {
			top := math.Inf(-1)
			for i := range nv + nr {
				top = max(top, float64(y.Data[i*2+k]))
			}
			check := func(what string, b float64, cert *GroupCert) {
				t.Helper()
				cb, err := bd.CertifiedBound(cert)
				if err != nil {
					t.Fatal(err)
				}
				if b < max(top, 0)-1e-5 || math.Abs(cb-b) > 1e-9 {
					t.Errorf("seed %d, channel %d, %s: bound %.6g (certified %.6g), but an image reaches %.6g", seed, k, what, b, cb, top)
				}
			}
			for _, span := range []int{0, 1} {
				for _, size := range []int{1, 3, 8} {
					b, cert, err := bd.GroupCellBoundSpan(k, 30, size, span)
					if err != nil {
						t.Fatal(err)
					}
					check("span/size", b, cert)
					if size == 1 {
						b2, cert2, err := bd.GroupCellBoundFrom(cert, 10, 8, 0)
						if err != nil {
							t.Fatal(err)
						}
						check("from", b2, cert2)
					}
				}
			}
		}
	}
}

// Where the layout relaxes nothing, the bound is the exact maximum: a
// cell that reads two neighbouring pooled positions (1×2 second kernel,
// windows overlapping by a column) with positive weights only (a convex
// function: its maximum is at a vertex, all 2¹⁵ tried), span 1 and one
// group holding every unit of both positions — with zero steps, so the
// union window's pixel map alone decides — gives the maximum to 1e-9;
// span 0 (two groups, priced apart) stays a bound.
func TestGroupCellBoundSpanTight(t *testing.T) {
	const c, k1 = 1, 2
	h, w := 2+k1-1, 4+k1-1
	n := h * w * c
	for seed := range int64(6) {
		net := groupNet2(t, c, k1, 1, 2, 4, 2, 30+seed)
		wk := net.Weights()[2].Value
		for i := range wk {
			wk[i] = float32(math.Abs(float64(wk[i])))
		}
		net.WeightsChanged()
		x := nn.NewTensor(1<<n, h, w, c)
		for i := range 1 << n {
			for q := range n {
				x.Data[i*n+q] = float32(i >> q & 1)
			}
		}
		y := net.Forward(x, false)
		bd, err := NewBounder(net, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		for k := range 2 {
			top := 0.0
			for i := range 1 << n {
				top = max(top, float64(y.Data[i*2+k]))
			}
			b1, _, err := bd.GroupCellBoundSpan(k, 0, 8, 1)
			if err != nil {
				t.Fatal(err)
			}
			b0, _, err := bd.GroupCellBoundSpan(k, 20, 8, 0)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(b1-top) > 1e-5*max(1, top) || b0 < top-1e-5 {
				t.Errorf("seed %d, channel %d: exact maximum %.6g, span 1 bound %.6g (want equal), span 0 %.6g", seed, k, top, b1, b0)
			}
		}
	}
}
