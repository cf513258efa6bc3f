package atlas

import (
	"context"
	"math"
	"math/rand"
	"sync"
	"testing"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// defaultBounder reads the default model and returns it with its Bounder
// for inputs in [0, 1].
func defaultBounder(t *testing.T) (*model.Model, *Bounder) {
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	bd, err := NewBounder(m.Net, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	return m, bd
}

// soundnessImages are images to check bounds against: the baseline (100
// noise images, the 8 samples), 16 random vertices of the box (every
// pixel 0 or 1) and the atlas images (10 steps) of a few channels.
// They are computed once per test binary (TestBounderSound and
// TestGroupCellBoundSound share them); callers must not modify them.
func soundnessImages(t *testing.T, m *model.Model) [][]float32 {
	soundMu.Lock()
	defer soundMu.Unlock()
	if soundImgs == nil {
		soundImgs = makeSoundnessImages(t, m)
	}
	return soundImgs
}

var (
	soundMu   sync.Mutex
	soundImgs [][]float32
)

func makeSoundnessImages(t *testing.T, m *model.Model) [][]float32 {
	imgs := baselineImages(t, m)
	in := m.Net.InputShape()
	rng := rand.New(rand.NewSource(5))
	for range 16 {
		im := make([]float32, in[0]*in[1]*in[2])
		for i := range im {
			im[i] = float32(rng.Intn(2))
		}
		imgs = append(imgs, im)
	}
	for _, c := range []struct {
		layer string
		chans []int
	}{{"conv2d_2", []int{3, 4, 25}}, {"conv2d_3", []int{23}}} {
		res, err := Visualize(context.Background(), m.Net, 0, c.layer, c.chans, Options{Steps: 10, Seed: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			imgs = append(imgs, pixels(r.Image, in[2]))
		}
	}
	return imgs
}

// The Bounder's bounds hold on every image tried: every cell of every
// conv and pooling layer lies in its channel's interval (IBP), the linear
// bound Λ·x_c + d of CROWN (every relaxation variant) is at least the
// pre-activation z_c of every cell of the channels checked, and
// MeanBound is at least their mean activation. Each is an assertion a
// wrong relaxation (a sign, a slope, a pooling weight) fails.
func TestBounderSound(t *testing.T) {
	t.Parallel() // heavy: overlaps the other heavy tests on the second core (CI runs them under -race)
	if testing.Short() {
		t.Skip("runs 128 images and 3 channels' linear bounds")
	}
	m, bd := defaultBounder(t)
	net := m.Net
	imgs := soundnessImages(t, m)
	in := net.InputShape()
	x := nn.NewTensor(1, in[0], in[1], in[2])
	viol := 0
	for ii, im := range imgs {
		if ii%4 != 0 && ii < 100 {
			continue // a quarter of the noise images
		}
		copy(x.Data, im)
		net.Forward(x, false)
		for j := range bd.layers {
			a := net.Outputs()[j]
			c := a.Shape[3]
			for i, v := range a.Data {
				lo, hi := bd.outBounds(j, i%c)
				if float64(v) > hi*(1+1e-5)+1e-5 || float64(v) < lo*(1+1e-5)-1e-5 {
					if viol++; viol < 5 {
						t.Errorf("%s/%d: %.5g outside [%.5g, %.5g]", bd.layers[j].name, i%c, v, lo, hi)
					}
				}
			}
		}
	}
	for _, c := range []struct {
		layer string
		index int
		ch    int
	}{{"conv2d_2", 2, 3}, {"conv2d_2", 2, 25}, {"conv2d_3", 4, 23}} {
		j, _ := bd.index(c.layer)
		pre, _, err := Prefix(net, c.layer)
		if err != nil {
			t.Fatal(err)
		}
		stride := 1
		for _, l := range bd.layers[:j] {
			stride *= max(l.pool, 1)
		}
		mb, err := bd.MeanBound(c.layer, c.ch)
		if err != nil {
			t.Fatal(err)
		}
		var top float64 // largest mean activation of the images checked
		for v := range bd.variants(j) {
			lam, d, r, _ := bd.linear(j, c.ch, 1, v)
			worst := math.Inf(-1) // largest z_c − (Λ·x_c + d)
			for ii, im := range imgs {
				if ii%4 != 0 && ii < 100 {
					continue // a quarter of the noise images
				}
				copy(x.Data, im)
				z := pre.Forward(x, false)
				oh, ow, oc := z.Shape[1], z.Shape[2], z.Shape[3]
				var mean float64
				for ci := range oh {
					for cj := range ow {
						lin := d
						for dy := range r {
							row := im[((stride*ci+dy)*in[1]+stride*cj)*in[2]:]
							for q, w := range lam[dy*r*in[2] : (dy+1)*r*in[2]] {
								lin += w * float64(row[q])
							}
						}
						zc := float64(z.Data[(ci*ow+cj)*oc+c.ch])
						worst = max(worst, zc-lin)
						mean += max(zc, 0)
					}
				}
				mean /= float64(oh * ow)
				top = max(top, mean)
			}
			if worst > 1e-4 {
				t.Errorf("%s/%d, variant %d: a cell's z exceeds its linear bound by %.3g", c.layer, c.ch, v, worst)
			}
		}
		if top > mb*(1+1e-5) {
			t.Errorf("%s/%d: an image's mean activation %.5g exceeds MeanBound %.5g", c.layer, c.ch, top, mb)
		}
		t.Logf("%s/%d: largest mean activation of the images checked %.4g, MeanBound %.4g, interval bound of a cell %.4g", c.layer, c.ch, top, mb, bd.zu[j][c.ch])
	}
}

// On the first convolution (z affine in the patch) the Bounder is exact
// per cell: its interval is interval arithmetic on the kernel, the
// largest value any cell reaches, equal to upperBounds'; and MeanBound's
// Lagrangian agrees with firstLayerBound's to 3 % (the subgradient
// descents' steps differ: each is a valid bound, 0–2 % apart) and is at least the
// mean of every image tried (the atlas images of conv2d_1/8, /11, /20,
// whose means are within 1 % of the exact maximum).
func TestBounderFirstLayer(t *testing.T) {
	t.Parallel() // heavy: overlaps the other heavy tests on the second core (CI runs them under -race)
	m, bd := defaultBounder(t)
	ibp := upperBounds(m.Net, 1.0/255)
	res, err := Visualize(context.Background(), m.Net, 0, "conv2d_1", []int{8, 11, 20}, Options{Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	imgs := baselineImages(t, m)
	for _, r := range res {
		imgs = append(imgs, pixels(r.Image, 3))
	}
	acts := meanActs(t, m.Net, 0, imgs)
	for k := range bd.layers[0].co {
		if u := max(bd.zu[0][k], 0); math.Abs(u-ibp[0][k]) > 1e-9*(1+u) {
			t.Errorf("conv2d_1/%d: cell bound %.6g, interval arithmetic %.6g", k, u, ibp[0][k])
		}
		mb, err := bd.MeanBound("conv2d_1", k)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range acts {
			if a[k] > mb*(1+1e-5) {
				t.Errorf("conv2d_1/%d: an image's mean activation %.5g exceeds MeanBound %.5g", k, a[k], mb)
			}
		}
		_, lag := firstLayerBound(floatsOf(m.Net, 0), biasOf(m.Net, 0), 3, 3, 3, 32, k, 150, 150, 0, 1)
		if math.Abs(mb-min(lag, ibp[0][k])) > 0.03*mb {
			t.Errorf("conv2d_1/%d: MeanBound %.5g, firstLayerBound's Lagrangian %.5g", k, mb, lag)
		}
	}
}

func floatsOf(net *nn.Sequential, i int) []float32 { return net.Layers()[i].Params()[0].Value }
func biasOf(net *nn.Sequential, i int) []float32   { return net.Layers()[i].Params()[1].Value }
