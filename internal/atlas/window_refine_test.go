package atlas

import (
	"context"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// flipSearch is a steepest-ascent vertex search on a py×px pattern: each
// round evaluates every single pixel-colour set to 0 or to 1 on the
// window and keeps the best when the window mean rises; it stops after
// rounds or when no flip helps. It returns the final window mean.
func flipSearch(t testing.TB, g geometry, pre *nn.Graph, py, px, ch int, pat []float32, rounds int, a, off []float32) float64 {
	cur := windowAscent(pre, g, py, px, []int{ch}, [][]float32{pat}, 0, 0, 0, a, off)[0]
	for range rounds {
		var pats [][]float32
		var idx []int
		var to []float32
		for i, v := range pat {
			for _, b := range []float32{0, 1} {
				if v == b {
					continue
				}
				q := append([]float32(nil), pat...)
				q[i] = b
				pats = append(pats, q)
				idx = append(idx, i)
				to = append(to, b)
			}
		}
		cs := make([]int, len(pats))
		for i := range cs {
			cs[i] = ch
		}
		vals := windowAscent(pre, g, py, px, cs, pats, 0, 0, 0, a, off)
		bi := -1
		for i, v := range vals {
			if v > cur && (bi < 0 || v > vals[bi]) {
				bi = i
			}
		}
		if bi < 0 {
			break
		}
		pat[idx[bi]] = to[bi]
		cur = vals[bi]
	}
	return cur
}

// TestWindowRefine (CONVSCOPE_ATLAS_REFINE=conv2d_3:27,53): the atlas's
// window search (64 × 150 steps at 0.5 on 8×8 and 8×4 px), then from the
// best pattern (a) a vertex (bit-flip) search, (b) the pattern tiled
// into 16×16 / 8×16 / 16×8 px and ascent at CONVSCOPE_ATLAS_REFINE_LR;
// every result confirmed on the tiled 150×150 image. A search.
func TestWindowRefine(t *testing.T) {
	layer, chans, m, index := searchSpec(t, "CONVSCOPE_ATLAS_REFINE")
	acts := meanActs(t, m.Net, index, baselineImages(t, m))
	pre, _, err := Prefix(m.Net, layer)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := chainGeometry(pre)
	S := g.S
	lr2 := 0.1
	if v, err := strconv.ParseFloat(os.Getenv("CONVSCOPE_ATLAS_REFINE_LR"), 64); err == nil {
		lr2 = v
	}
	noise := float32(0.05)
	if v, err := strconv.ParseFloat(os.Getenv("CONVSCOPE_ATLAS_REFINE_NOISE"), 64); err == nil {
		noise = float32(v)
	}
	nr := envInts("CONVSCOPE_ATLAS_REFINE_N", []int{64})[0]
	steps2 := envInts("CONVSCOPE_ATLAS_REFINE_STEPS", []int{150})[0]
	a, off := []float32{1, 1, 1}, []float32{0, 0, 0}
	in := m.Net.InputShape()
	full := func(pat []float32, py, px, ch int) float64 {
		return meanActs(t, m.Net, index, [][]float32{tileRect(pat, py, px, in[0], in[1], 3)})[0][ch]
	}
	for _, ch := range chans {
		var avg float64
		for _, b := range acts {
			avg += b[ch]
		}
		avg /= float64(len(acts))
		rng := rand.New(rand.NewSource(int64(ch) + 1))
		for _, sh := range [][2]int{{2, 2}} {
			py, px := sh[0]*S, sh[1]*S
			win, _ := windowPrefix(pre, g.windowSize(py), g.windowSize(px))
			pats := make([][]float32, nr)
			cs := make([]int, nr)
			for s := range pats {
				pats[s] = make([]float32, py*px*3)
				for i := range pats[s] {
					pats[s][i] = rng.Float32()
				}
				cs[s] = ch
			}
			vals := windowAscent(win, g, py, px, cs, pats, 150, 0.5, 0.1, a, off)
			bi := 0
			for s := range vals {
				if vals[s] > vals[bi] {
					bi = s
				}
			}
			best := pats[bi]
			t.Logf("%s/%d %dx%d: window %.3f× full %.3f×", layer, ch, py, px, vals[bi]/avg, full(best, py, px, ch)/avg)
			fl := append([]float32(nil), best...)
			v := flipSearch(t, g, win, py, px, ch, fl, 60, a, off)
			t.Logf("  flips: window %.3f× full %.3f×", v/avg, full(fl, py, px, ch)/avg)
			fa := append([]float32(nil), fl...)
			v2 := windowAscent(win, g, py, px, []int{ch}, [][]float32{fa}, 100, 0.05, 0.1, a, off)[0]
			t.Logf("  flips+ascent 0.05: window %.3f× full %.3f×", v2/avg, full(fa, py, px, ch)/avg)
			for _, k := range [][2]int{{17, 17}} {
				qy, qx := py*k[0], px*k[1]
				w2, err := windowPrefix(pre, g.windowSize(qy), g.windowSize(qx))
				if err != nil {
					t.Fatal(err)
				}
				long := tileRect(fa, py, px, qy, qx, 3)
				for i := range long {
					long[i] = min(max(long[i]+noise*float32(rng.NormFloat64()), 0), 1)
				}
				v0 := windowAscent(w2, g, qy, qx, []int{ch}, [][]float32{append([]float32(nil), long...)}, 0, 0, 0.1, a, off)[0]
				v3 := windowAscent(w2, g, qy, qx, []int{ch}, [][]float32{long}, steps2, lr2, 0.1, a, off)[0]
				t.Logf("  long %dx%d (from flips+ascent, noise): start %.3f× → window %.3f× full %.3f×", qy, qx, v0/avg, v3/avg, full(long, qy, qx, ch)/avg)
			}
		}
	}
}

// TestWindowRefineAtlas (CONVSCOPE_ATLAS_REFINE_ATLAS=conv2d_3:27,53):
// the default atlas's picture of each channel, then from it vertex steps
// and plain steps on the full image (CONVSCOPE_ATLAS_REFINE_MODES, e.g.
// v10,p80,r160: v vertex steps, p plain steps at the default step
// falling, q at 0.02, r at 0.25). A search.
func TestWindowRefineAtlas(t *testing.T) {
	layer, chans, m, index := searchSpec(t, "CONVSCOPE_ATLAS_REFINE_ATLAS")
	base := baselineImages(t, m)
	tg, err := NewTarget(m.Net, layer)
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Seed: 1}.withDefaults()
	res, err := tg.Visualize(context.Background(), 0, chans, Options{Seed: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range measure(t, m.Net, index, base, res) {
		t.Logf("%s/%d atlas: %.3f×", layer, r.ch, r.ratio)
	}
	c := m.Net.InputShape()[2]
	cur := res
	for round, mode := range strings.Split(os.Getenv("CONVSCOPE_ATLAS_REFINE_MODES"), ",") {
		eo := o
		eo.Polish = -1
		eo.Jitter, eo.Scale, eo.Rotate, eo.BlurEvery = -1, -1, -1, -1
		imgs := map[int][]float32{}
		for _, r := range cur {
			imgs[r.Channel] = floatsOfImage(r.Image, c)
		}
		eo.start = func(ch int) []float32 { return imgs[ch] }
		n, _ := strconv.Atoi(mode[1:])
		eo.Steps = n
		switch mode[0] {
		case 'v':
			eo.vertex = true
		case 'p':
			eo.decay = true
		case 'r':
			eo.decay, eo.LR = true, 0.25
		case 'q':
			eo.decay, eo.LR = true, 0.02
		}
		next, err := optimise(context.Background(), tg.pre, 1.0/255, chans, eo, int64(round)+77)
		if err != nil {
			t.Fatal(err)
		}
		for i := range next {
			if next[i].act > cur[i].act {
				cur[i] = next[i]
			}
		}
		for _, r := range measure(t, m.Net, index, base, cur) {
			t.Logf("%s/%d after %s: %.3f×", layer, r.ch, mode, r.ratio)
		}
	}
}
