package atlas

import (
	"math"
	"math/rand"
	"testing"

	"github.com/convscope/convscope/nn"
)

// groupNet is a small conv (relu) → 2×2 max pooling → conv chain with
// seeded random weights, whose one output cell reads an r×r×c patch.
func groupNet(t *testing.T, c, k1, f1, f2 int, seed int64) *nn.Sequential {
	return groupNet2(t, c, k1, 1, 1, f1, f2, seed)
}

// groupNet2 is groupNet with a kh×kw second kernel: the cell reads kh·kw
// pooled positions whose windows overlap by k1 − 1 pixels.
func groupNet2(t *testing.T, c, k1, kh, kw, f1, f2 int, seed int64) *nn.Sequential {
	net, err := nn.NewSequential([]int{2*kh + k1 - 1, 2*kw + k1 - 1, c},
		nn.NewConv2D(f1, k1, k1, nn.WithActivation("relu")),
		nn.NewMaxPooling2D(2, 2),
		nn.NewConv2D(f2, kh, kw))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(seed))
	for _, p := range net.Weights() {
		for i := range p.Value {
			p.Value[i] = float32(rng.NormFloat64() * 0.5)
		}
	}
	net.WeightsChanged()
	return net
}

// GroupCellBound is an upper bound of the cell's pre-activation, checked
// against its exact maximum where that can be found: on nets whose cell
// reads 4 pixels (1×1 first kernel, one colour) the maximum over a grid
// of 21⁴ images, and on nets whose cell reads 18 pixels (2×2 kernel, two
// colours) every vertex of the box (2¹⁸ images) and random images —
// every group size, few and many steps, and the certificate's bound
// (CertifiedBound) equal to the one returned.
func TestGroupCellBoundExact(t *testing.T) {
	for _, tc := range []struct {
		c, k1, f1, f2 int
		seed          int64
		grid          bool
	}{{1, 1, 6, 3, 1, true}, {1, 1, 8, 3, 2, true}, {2, 2, 5, 2, 3, false}} {
		net := groupNet(t, tc.c, tc.k1, tc.f1, tc.f2, tc.seed)
		r := 2 + tc.k1 - 1
		n := r * r * tc.c
		var imgs [][]float32
		if tc.grid {
			const levels = 21
			for i := range int(math.Pow(levels, float64(n))) {
				im := make([]float32, n)
				for q, v := 0, i; q < n; q, v = q+1, v/levels {
					im[q] = float32(v%levels) / (levels - 1)
				}
				imgs = append(imgs, im)
			}
		} else {
			for i := range 1 << n {
				im := make([]float32, n)
				for q := range n {
					im[q] = float32(i >> q & 1)
				}
				imgs = append(imgs, im)
			}
			rng := rand.New(rand.NewSource(tc.seed))
			for range 20000 {
				im := make([]float32, n)
				for q := range im {
					im[q] = rng.Float32()
				}
				imgs = append(imgs, im)
			}
		}
		x := nn.NewTensor(len(imgs), r, r, tc.c)
		for i, im := range imgs {
			copy(x.Data[i*n:], im)
		}
		y := net.Forward(x, false)
		bd, err := NewBounder(net, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		for k := range tc.f2 {
			top := math.Inf(-1)
			for i := range imgs {
				top = max(top, float64(y.Data[i*tc.f2+k]))
			}
			for _, size := range []int{1, 2, 3} {
				for _, iters := range []int{0, 5, 200} {
					b, cert, err := bd.GroupCellBound(k, iters, size)
					if err != nil {
						t.Fatal(err)
					}
					cb, err := bd.CertifiedBound(cert)
					if err != nil {
						t.Fatal(err)
					}
					if b < max(top, 0)-1e-5 || cb < b-1e-9 || cb > b+1e-9 {
						t.Errorf("%+v channel %d, size %d, %d steps: bound %.6g (certified %.6g), but an image reaches %.6g", tc, k, size, iters, b, cb, top)
					}
				}
			}
		}
	}
}

// On the default model, GroupCellBound (few steps: any multipliers give
// a bound) is above every conv2d_2 cell's pre-activation of the
// soundness images (noise, samples, box vertices, atlas images) for
// proven and unproven channels, and so is the bound of perturbed
// multipliers (CertifiedBound projects them again and pays for
// rounding).
func TestGroupCellBoundSound(t *testing.T) {
	t.Parallel() // heavy: overlaps the other heavy tests on the second core (CI runs them under -race)
	if testing.Short() {
		t.Skip("runs 70 images")
	}
	m, bd := defaultBounder(t)
	imgs := soundnessImages(t, m)
	pre, _, err := Prefix(m.Net, "conv2d_2")
	if err != nil {
		t.Fatal(err)
	}
	in := m.Net.InputShape()
	x := nn.NewTensor(1, in[0], in[1], in[2])
	chans := []int{3, 4, 25, 43, 5, 60}
	top := make([]float64, len(chans))
	for i := range top {
		top[i] = math.Inf(-1)
	}
	for ii, im := range imgs {
		if ii%4 != 0 && ii < 100 {
			continue
		}
		copy(x.Data, im)
		z := pre.Forward(x, false)
		oc := z.Shape[3]
		for q, v := range z.Data {
			for i, k := range chans {
				if q%oc == k {
					top[i] = max(top[i], float64(v))
				}
			}
		}
	}
	rng := rand.New(rand.NewSource(9))
	for i, k := range chans {
		b, cert, err := bd.GroupCellBound(k, 20, 2)
		if err != nil {
			t.Fatal(err)
		}
		for j := range cert.Lam { // perturbed: a bound still, likely below the interval's
			cert.Lam[j] += rng.NormFloat64() * 1e-4
		}
		for j := range cert.Logit {
			cert.Logit[j] += rng.NormFloat64() * 0.1
		}
		rb, err := bd.CertifiedBound(cert)
		if err != nil {
			t.Fatal(err)
		}
		if b < top[i]*(1+1e-5)+1e-5 || rb < top[i]*(1+1e-5)+1e-5 {
			t.Errorf("conv2d_2/%d: a cell reaches %.5g, above the bound %.5g (perturbed multipliers: %.5g)", k, top[i], b, rb)
		}
		t.Logf("conv2d_2/%d: largest cell of the images %.4g, bound %.4g (20 steps, groups of 2), perturbed multipliers %.4g, interval %.4g", k, top[i], b, rb, bd.zu[2][k])
	}
}

// Where the decomposition loses nothing, GroupCellBound is the exact
// maximum: a cell that reads one pooled position (1×1 second kernel)
// whose units all have positive weights and fit in one group is
// maximised exactly (a convex function: the largest over the branch
// choices, at a vertex of the box: every vertex is tried); with negative
// weights only (a concave function) the ν's optimum is the maximum too
// (minimax), reached to 3 % by the optimiser.
func TestGroupCellBoundTight(t *testing.T) {
	for _, tc := range []struct {
		sign  float32
		size  int
		iters int
		tol   float64
	}{{1, 3, 0, 1e-5}, {-1, 1, 400, 0.03}} {
		k1 := 1 // negative: 4 pixels, a grid of 21⁴ images
		if tc.sign > 0 {
			k1 = 2 // positive: 9 pixels, overlapping windows, every vertex (2⁹ images)
		}
		for seed := range int64(8) {
			net := groupNet(t, 1, k1, 3, 2, 10+seed)
			w := net.Weights()[2].Value // the second kernel
			for i := range w {
				w[i] = tc.sign * float32(math.Abs(float64(w[i])))
			}
			b1 := net.Weights()[1].Value // the first bias: some units always active
			for i := range b1 {
				b1[i] += 0.3
			}
			net.WeightsChanged()
			levels, r := 21, 1+k1
			if tc.sign > 0 {
				levels = 2
			}
			n := r * r
			x := nn.NewTensor(int(math.Pow(float64(levels), float64(n))), r, r, 1)
			for i := range x.Shape[0] {
				for q, v := 0, i; q < n; q, v = q+1, v/levels {
					x.Data[i*n+q] = float32(v%levels) / float32(levels-1)
				}
			}
			y := net.Forward(x, false)
			bd, err := NewBounder(net, 0, 1)
			if err != nil {
				t.Fatal(err)
			}
			for k := range 2 {
				top := 0.0
				for i := range x.Shape[0] {
					top = max(top, float64(y.Data[i*2+k]))
				}
				b, _, err := bd.GroupCellBound(k, tc.iters, tc.size)
				if err != nil {
					t.Fatal(err)
				}
				if b < top-1e-5 || b > top+tc.tol*max(top, 0.1) {
					t.Errorf("sign %v, seed %d, channel %d: bound %.6g, exact maximum %.6g", tc.sign, seed, k, b, top)
				}
			}
		}
	}
}
