package atlas

import (
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/model"
)

func envInts(name string, def []int) []int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(f)
		if err == nil {
			out = append(out, n)
		}
	}
	return out
}

// searchSpec reads an env-gated search's "layer:ch,ch" from the variable
// env (the test skips without it) and returns the layer, the channels,
// the default model and the layer's index in it.
func searchSpec(t *testing.T, env string) (layer string, chans []int, m *model.Model, index int) {
	spec := os.Getenv(env)
	if spec == "" {
		t.Skip(env + "=layer:ch,ch")
	}
	layer, chs, _ := strings.Cut(spec, ":")
	for _, f := range strings.Split(chs, ",") {
		n, _ := strconv.Atoi(f)
		chans = append(chans, n)
	}
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	index = map[string]int{"conv2d_1": 0, "conv2d_2": 2, "conv2d_3": 4, "conv2d_4": 6}[layer]
	return layer, chans, m, index
}

// The window search behind docs/atlas.md's numbers
// (CONVSCOPE_ATLAS_WINDOW=conv2d_3:14,0): for each channel and period
// (CONVSCOPE_ATLAS_WINDOW_P=8,8x4,12: py×px px, multiples of the layer's
// cell stride), CONVSCOPE_ATLAS_WINDOW_N random patterns (32) get
// CONVSCOPE_ATLAS_WINDOW_STEPS steps (200) of windowAscent at step
// CONVSCOPE_ATLAS_WINDOW_LR (0.1), slope CONVSCOPE_ATLAS_WINDOW_ALPHA
// (0.1); the best is confirmed on the tiled 150×150 image through the
// whole network. CONVSCOPE_ATLAS_WINDOW_CELL=1 also reports the best
// single cell found (the same ascent on a free R×R input, one cell): the
// map's mean cannot exceed its best cell. A search, not a proof.
func TestWindowSearch(t *testing.T) {
	layer, chans, m, index := searchSpec(t, "CONVSCOPE_ATLAS_WINDOW")
	base := baselineImages(t, m)
	acts := meanActs(t, m.Net, index, base)
	pre, _, err := Prefix(m.Net, layer)
	if err != nil {
		t.Fatal(err)
	}
	g, ok := chainGeometry(pre)
	if !ok {
		t.Fatal("not a chain")
	}
	var periods [][2]int
	for _, f := range strings.Split(os.Getenv("CONVSCOPE_ATLAS_WINDOW_P"), ",") {
		ys, xs, ok := strings.Cut(f, "x")
		if !ok {
			xs = ys
		}
		py, _ := strconv.Atoi(ys)
		px, _ := strconv.Atoi(xs)
		if py > 0 && px > 0 {
			periods = append(periods, [2]int{py, px})
		}
	}
	lr, alpha := 0.1, float32(0.1)
	if v, err := strconv.ParseFloat(os.Getenv("CONVSCOPE_ATLAS_WINDOW_ALPHA"), 64); err == nil {
		alpha = float32(v)
	}
	if v, err := strconv.ParseFloat(os.Getenv("CONVSCOPE_ATLAS_WINDOW_LR"), 64); err == nil {
		lr = v
	}
	restarts := envInts("CONVSCOPE_ATLAS_WINDOW_N", []int{32})[0]
	steps := envInts("CONVSCOPE_ATLAS_WINDOW_STEPS", []int{200})[0]
	cell := os.Getenv("CONVSCOPE_ATLAS_WINDOW_CELL") != ""
	a := []float32{1, 1, 1}
	off := []float32{0, 0, 0}
	in := m.Net.InputShape()
	for _, ch := range chans {
		var avg float64
		for _, b := range acts {
			avg += b[ch]
		}
		avg /= float64(len(acts))
		rng := rand.New(rand.NewSource(int64(ch) + 1))
		if cell {
			cg := geometry{R: g.R, S: g.R}
			win, err := windowPrefix(pre, g.R, g.R)
			if err != nil {
				t.Fatal(err)
			}
			pats := make([][]float32, restarts)
			cs := make([]int, restarts)
			for s := range pats {
				pats[s] = make([]float32, g.R*g.R*3)
				for i := range pats[s] {
					pats[s][i] = rng.Float32()
				}
				cs[s] = ch
			}
			vals := windowAscent(win, cg, g.R, g.R, cs, pats, steps, lr, alpha, a, off)
			best := 0.0
			for _, v := range vals {
				best = max(best, v)
			}
			t.Logf("%s/%d: best cell %.4g = %.2f× baseline %.4g", layer, ch, best, best/avg, avg)
		}
		for _, pp := range periods {
			py, px := pp[0], pp[1]
			win, err := windowPrefix(pre, g.windowSize(py), g.windowSize(px))
			if err != nil {
				t.Fatal(err)
			}
			pats := make([][]float32, restarts)
			cs := make([]int, restarts)
			for s := range pats {
				pats[s] = make([]float32, py*px*3)
				for i := range pats[s] {
					pats[s][i] = rng.Float32()
				}
				cs[s] = ch
			}
			vals := windowAscent(win, g, py, px, cs, pats, steps, lr, alpha, a, off)
			bi := 0
			for s := range vals {
				if vals[s] > vals[bi] {
					bi = s
				}
			}
			full := tileRect(pats[bi], py, px, in[0], in[1], 3)
			fm := meanActs(t, m.Net, index, [][]float32{full})[0][ch]
			t.Logf("%s/%d p=%dx%d: window %.2f× full %.2f× (mean %.4g, baseline %.4g)", layer, ch, py, px, vals[bi]/avg, fm/avg, fm, avg)
		}
	}
}
