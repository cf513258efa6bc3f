package atlas

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// reluMeans returns every channel's mean of max(z, 0) over the map of
// pre's output for the (h, w, c) image x, and the map (oh, ow, oc).
func reluMeans(pre *nn.Graph, x []float32) ([]float64, *nn.Tensor) {
	in := pre.InputShape()
	xt := nn.NewTensor(1, in[0], in[1], in[2])
	copy(xt.Data, x)
	z := pre.Forward(xt, false)
	oc := z.Shape[3]
	m := make([]float64, oc)
	for i, v := range z.Data {
		m[i%oc] += float64(max(v, 0))
	}
	for k := range m {
		m[k] /= float64(len(z.Data) / oc)
	}
	return m, z
}

// The window holds one cell of each phase of a periodic image: on the
// default model's conv2d_2–4, for random patterns of ny·S × nx·S px, each
// channel's mean activation over the full image's map equals the mean
// over the window's cells weighted by how many cells of the full map have
// each phase (to float32 rounding), and the plain mean over the window
// (what windowImages maximises) is within Σ|w − 1/(ny·nx)|·max of it
// (w the phase weights; zero when ny and nx divide the map's sides: the
// map holds whole periods).
func TestWindowMeanEqualsFull(t *testing.T) {
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		layer  string
		r, s   int
		ny, nx int
		exact  bool // the phases divide the map: the plain window mean is the full mean
	}{
		{"conv2d_2", 8, 2, 1, 1, true},
		{"conv2d_2", 8, 2, 2, 2, true},
		{"conv2d_2", 8, 2, 2, 1, true},
		{"conv2d_2", 8, 2, 3, 3, true},
		{"conv2d_2", 8, 2, 5, 7, false},
		{"conv2d_3", 18, 4, 2, 2, true},
		{"conv2d_3", 18, 4, 2, 1, true},
		{"conv2d_3", 18, 4, 3, 3, false},
		{"conv2d_4", 38, 8, 1, 1, true},
		{"conv2d_4", 38, 8, 2, 1, false},
		{"conv2d_4", 38, 8, 3, 3, true},
	} {
		t.Run(fmt.Sprintf("%s/%dx%d", c.layer, c.ny, c.nx), func(t *testing.T) {
			pre, _, err := Prefix(m.Net, c.layer)
			if err != nil {
				t.Fatal(err)
			}
			g, ok := chainGeometry(pre)
			if !ok || g.R != c.r || g.S != c.s {
				t.Fatalf("geometry %+v %v, want R %d S %d", g, ok, c.r, c.s)
			}
			py, px := c.ny*g.S, c.nx*g.S
			win, err := windowPrefix(pre, g.windowSize(py), g.windowSize(px))
			if err != nil {
				t.Fatal(err)
			}
			if sh := win.OutputShape(); sh[0] != c.ny || sh[1] != c.nx {
				t.Fatalf("window map %v, want %d×%d cells", sh, c.ny, c.nx)
			}
			full := pre.OutputShape()
			weights := func(n, M int) []float64 { // share of the map's cells of each phase
				w := make([]float64, n)
				for i := range M {
					w[i%n] += 1 / float64(M)
				}
				return w
			}
			wy, wx := weights(c.ny, full[0]), weights(c.nx, full[1])
			var slack float64
			for i := range c.ny {
				for j := range c.nx {
					slack += math.Abs(wy[i]*wx[j] - 1/float64(c.ny*c.nx))
				}
			}
			if c.exact != (slack < 1e-12) {
				t.Fatalf("slack %.3g, exact %v", slack, c.exact)
			}
			rng := rand.New(rand.NewSource(int64(c.ny*10 + c.nx)))
			worst, worstPlain := 0.0, 0.0
			for range 3 {
				pat := make([]float32, py*px*3)
				for i := range pat {
					pat[i] = rng.Float32()
				}
				in := pre.InputShape()
				fm, _ := reluMeans(pre, tileRect(pat, py, px, in[0], in[1], 3))
				wm, z := reluMeans(win, tileRect(pat, py, px, g.windowSize(py), g.windowSize(px), 3))
				oc := z.Shape[3]
				for k := range oc {
					var weighted, top float64
					for i := range c.ny {
						for j := range c.nx {
							v := float64(max(z.Data[(i*c.nx+j)*oc+k], 0))
							weighted += wy[i] * wx[j] * v
							top = max(top, v)
						}
					}
					tol := 1e-4 * (1 + math.Abs(fm[k]))
					if d := math.Abs(weighted - fm[k]); d > tol {
						t.Errorf("channel %d: phase-weighted window mean %.6g, full map %.6g", k, weighted, fm[k])
					} else {
						worst = max(worst, d/(1+math.Abs(fm[k])))
					}
					if d := math.Abs(wm[k] - fm[k]); d > slack*top+tol {
						t.Errorf("channel %d: window mean %.6g, full map %.6g: more than the bound %.3g apart", k, wm[k], fm[k], slack*top)
					} else {
						worstPlain = max(worstPlain, d)
					}
				}
			}
			t.Logf("window %d×%d px: phase-weighted mean to %.2g (relative), plain mean to %.2g (absolute; slack %.3g)", g.windowSize(py), g.windowSize(px), worst, worstPlain, slack)
		})
	}
}

// The window's periodic images (windowImages) take channels of conv2d_2
// that the ascent from noise leaves below 5× their baseline (below5 had
// /60 at 4.93×, /8 at 4.37×) past 5× with the default options, and the
// pictures that reach it are periodic.
func TestWindowReachesChannels(t *testing.T) {
	t.Parallel() // heavy: overlaps the other heavy tests on the second core (CI runs them under -race)
	if testing.Short() {
		t.Skip("optimises 2 channels of conv2d_2")
	}
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	chans := []int{60, 8}
	res, err := Visualize(context.Background(), m.Net, 0, "conv2d_2", chans, Options{Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range measure(t, m.Net, 2, baselineImages(t, m), res) {
		if r.ratio < 5 {
			t.Errorf("conv2d_2/%d: %.2f× its baseline, want ≥ 5×", r.ch, r.ratio)
		}
		period := 0
		for _, p := range []int{2, 4, 6, 8} {
			if isPeriodic(res[i].Image.Pix, 150, 150, p) {
				period = p
				break
			}
		}
		if period == 0 {
			t.Errorf("conv2d_2/%d: the picture is not periodic", r.ch)
		}
		t.Logf("conv2d_2/%d: %.2f× (period %d)", r.ch, r.ratio, period)
	}
}

// On conv2d_4 (R = 38 px) every default window is wider than a quarter
// of the image, so windowImages does nothing there: conv2d_4/34, the one
// channel short after the extension, gets the same picture with and
// without Options.Windows (the benchmark's layer pays nothing).
func TestWindowSkipsWideWindows(t *testing.T) {
	t.Parallel() // heavy: overlaps the other heavy tests on the second core (CI runs them under -race)
	if testing.Short() {
		t.Skip("optimises a conv2d_4 channel twice")
	}
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	var pix [][]uint8
	for _, o := range []Options{{Seed: 1}, {Seed: 1, Windows: [][2]int{}}} {
		res, err := Visualize(context.Background(), m.Net, 0, "conv2d_4", []int{34}, o, nil)
		if err != nil {
			t.Fatal(err)
		}
		pix = append(pix, res[0].Image.Pix)
	}
	if string(pix[0]) != string(pix[1]) {
		t.Error("conv2d_4/34: the window changed the picture; its windows should all be too wide")
	}
}

// The window's patterns come from each channel's own stream, so a
// channel's picture does not depend on the other channels of its batch
// (as TestPictureIndependentOfBatch for the ascent): conv2d_2/60 alone
// and beside /8, in batches of 1 and 16, few steps so that the window's
// 4-px pattern wins.
func TestWindowPictureIndependentOfBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the window search 5 times")
	}
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Steps: 3, Extra: 4, Seed: 2, Windows: [][2]int{{2, 2}}}
	alone, err := Visualize(context.Background(), m.Net, 0, "conv2d_2", []int{60}, o, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !isPeriodic(alone[0].Image.Pix, 150, 150, 4) {
		t.Fatal("conv2d_2/60: the picture is not the window's 4-px pattern")
	}
	for _, b := range []int{1, 16} {
		o.Batch = b
		res, err := Visualize(context.Background(), m.Net, 0, "conv2d_2", []int{8, 60}, o, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(res[1].Image.Pix, alone[0].Image.Pix) || res[1].Value != alone[0].Value {
			t.Errorf("batches of %d: conv2d_2/60's picture differs from its own run", b)
		}
	}
}
