package atlas

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/model"
)

// rowPeriodicMax returns the exact maximum, over images whose rows repeat
// with period p (any columns), of the sum of relu(z) over one period's
// p rows of cells (cells wrapping around), and a maximising image (p rows,
// tb.W columns). Dynamic programming over the columns, as tileMaxDP.
func rowPeriodicMax(tb *TileBound1, p int) (float64, []float64) {
	kh, kw, c := tb.KH, tb.KW, tb.C
	ow := tb.W - kw + 1
	nm := 1 << p
	contrib := make([]float64, kw*nm*p*c)
	for d := range kw {
		for s := range nm {
			for i := range p {
				if s>>i&1 == 0 {
					continue
				}
				for dy := range kh {
					for ch := range c {
						contrib[((d*nm+s)*p+(i+dy)%p)*c+ch] += tb.K[(dy*kw+d)*c+ch]
					}
				}
			}
		}
	}
	nComb := 1 << (kw * p)
	f := make([]float64, nComb)
	col := make([]float64, p*c)
	for comb := range nComb {
		clear(col)
		for d := range kw {
			sd := comb >> (d * p) & (nm - 1)
			cb := contrib[(d*nm+sd)*p*c:]
			for i := range col {
				col[i] += cb[i]
			}
		}
		v := float64(bits.OnesCount(uint(comb&(nm-1)))) * tb.B
		for _, cv := range col {
			v += tb.box(cv)
		}
		f[comb] = v
	}
	nState := 1 << ((kw - 1) * p)
	V, W := make([]float64, nState), make([]float64, nState)
	for i := range V {
		V[i] = math.Inf(-1)
	}
	V[0] = 0
	back := make([]int32, tb.W*nState)
	for x := range tb.W {
		for i := range W {
			W[i] = math.Inf(-1)
		}
		for comb := range nComb {
			if comb&(nm-1) != 0 && x >= ow {
				continue
			}
			prev := V[comb>>p]
			if math.IsInf(prev, -1) {
				continue
			}
			v := prev + f[comb]
			st := comb & (nState - 1)
			if v > W[st] {
				W[st] = v
				back[x*nState+st] = int32(comb)
			}
		}
		V, W = W, V
	}
	top, st := math.Inf(-1), 0
	for i, v := range V {
		if v > top {
			top, st = v, i
		}
	}
	masks := make([]int, tb.W)
	for x := tb.W - 1; x >= 0; x-- {
		comb := int(back[x*nState+st])
		masks[x] = comb & (nm - 1)
		st = comb >> p
	}
	coef := make([]float64, p*tb.W*c)
	for j := range ow {
		for i := range p {
			if masks[j]>>i&1 == 0 {
				continue
			}
			t := 0
			for dy := range kh {
				for dx := range kw {
					for ch := range c {
						coef[(((i+dy)%p)*tb.W+j+dx)*c+ch] += tb.K[t]
						t++
					}
				}
			}
		}
	}
	img := make([]float64, len(coef))
	for i, v := range coef {
		img[i] = tb.argmax(v)
	}
	return top, img
}

// repeatRows makes an h-row image of the p-row image pat (width w).
func repeatRows(pat []float64, p, h, w, c int) []float64 {
	x := make([]float64, h*w*c)
	for y := range h {
		copy(x[y*w*c:(y+1)*w*c], pat[(y%p)*w*c:])
	}
	return x
}

func transposeTB(tb *TileBound1) *TileBound1 {
	kt := make([]float64, len(tb.K))
	for dy := range tb.KH {
		for dx := range tb.KW {
			for c := range tb.C {
				kt[(dx*tb.KH+dy)*tb.C+c] = tb.K[(dy*tb.KW+dx)*tb.C+c]
			}
		}
	}
	return &TileBound1{K: kt, B: tb.B, KH: tb.KW, KW: tb.KH, C: tb.C, H: tb.W, W: tb.H, GY: 1, GX: 1, Lo: tb.Lo, Hi: tb.Hi}
}

func TestExplore17(t *testing.T) {
	if os.Getenv("CONVSCOPE_T17") == "" {
		t.Skip()
	}
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	acts := meanActs(t, m.Net, 0, baselineImages(t, m))
	var avg float64
	for _, a := range acts {
		avg += a[17]
	}
	avg /= float64(len(acts))
	tb := tileConv1(m.Net, 17, 1)
	t.Logf("baseline %.6f, bias %.4f", avg, tb.B)
	for dy := range 3 {
		t.Logf("K row %d: %.3f", dy, tb.K[dy*9:dy*9+9])
	}
	for _, tr := range []bool{false, true} {
		for p := 1; p <= 8; p++ {
			t0 := time.Now()
			b := tb
			if tr {
				b = transposeTB(tb)
			}
			v, pat := rowPeriodicMax(b, p)
			img := repeatRows(pat, p, b.H, b.W, b.C)
			if tr {
				x := make([]float64, len(img))
				transposeImage(x, img, b.H, b.W, b.C)
				img = x
			}
			got := conv1Mean(tb, img)
			t.Logf("transposed %v period %d: density %.4f× actual %.4f× (%v)", tr, p, v/float64(p*(b.W-2))/avg, got/avg, time.Since(t0))
		}
	}
}

func TestExplore17Strips(t *testing.T) {
	if os.Getenv("CONVSCOPE_T17S") == "" {
		t.Skip()
	}
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	acts := meanActs(t, m.Net, 0, baselineImages(t, m))
	var avg float64
	for _, a := range acts {
		avg += a[17]
	}
	avg /= float64(len(acts))
	tb := tileConv1(m.Net, 17, 4)
	tb.GX = 148
	tb.DP = true
	n := tb.PH() * tb.PW() * tb.C
	a := make([]float64, n)
	rng := newRng(5)
	for i := range a {
		a[i] = rng.NormFloat64() * 0.05
	}
	t0 := time.Now()
	v1 := tb.Bound(a, nil, true)
	t1 := time.Since(t0)
	hs := make([]int, 37)
	for i := range hs {
		hs[i] = 4
	}
	sb := &StripBound1{K: tb.K, B: tb.B, KH: 3, KW: 3, C: 3, H: 150, W: 150, Heights: hs, Lo: 0, Hi: 1}
	t0 = time.Now()
	v2 := sb.Bound(a, nil)
	t.Logf("tile DP %.9f (%v), strips %.9f (%v)", v1/avg, t1, v2/avg, time.Since(t0))
	g1, g2 := make([]float64, n), make([]float64, n)
	tb.Bound(a, g1, true)
	sb.Bound(a, g2)
	var d float64
	for i := range g1 {
		d = max(d, math.Abs(g1[i]-g2[i]))
	}
	t.Logf("grad diff %g", d)
}

func newRng(s int64) *rand.Rand { return rand.New(rand.NewSource(s)) }

func heightsOf(g, total int) []int {
	var hs []int
	for total >= g {
		hs = append(hs, g)
		total -= g
	}
	if total > 0 {
		hs = append(hs, total)
	}
	return hs
}

func TestExplore17Timing(t *testing.T) {
	if os.Getenv("CONVSCOPE_T17T") == "" {
		t.Skip()
	}
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	acts := meanActs(t, m.Net, 0, baselineImages(t, m))
	var avg float64
	for _, a := range acts {
		avg += a[17]
	}
	avg /= float64(len(acts))
	tb := tileConv1(m.Net, 17, 4)
	for g := 1; g <= 8; g++ {
		for _, mb := range []int{9, 12, 15} {
			sb := &StripBound1{K: tb.K, B: tb.B, KH: 3, KW: 3, C: 3, H: 150, W: 150, Heights: heightsOf(g, 148), Lo: 0, Hi: 1, MaxBits: mb}
			_, _, n := sb.Offsets()
			a := make([]float64, n)
			t0 := time.Now()
			v := sb.Bound(a, nil)
			t.Logf("G=%d bits %d: zero multipliers %.4f× (%v) groups %v", g, mb, v/avg, time.Since(t0), sb.groups(g))
		}
	}
}

func saveFloats(path string, a []float64) {
	f, _ := os.Create(path)
	defer f.Close()
	for _, v := range a {
		fmt.Fprintln(f, strconv.FormatFloat(v, 'g', -1, 64))
	}
}

func loadFloats(path string) []float64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []float64
	for _, s := range strings.Fields(string(b)) {
		v, _ := strconv.ParseFloat(s, 64)
		out = append(out, v)
	}
	return out
}

func ch17(t *testing.T) (*TileBound1, float64) {
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	acts := meanActs(t, m.Net, 0, baselineImages(t, m))
	var avg float64
	for _, a := range acts {
		avg += a[17]
	}
	avg /= float64(len(acts))
	return tileConv1(m.Net, 17, 4), avg
}

// warm maps multipliers of strips of g0 rows to strips of g rows: the
// top KH−1 and bottom KH−1 rows of the patch.
func warm(a0 []float64, g0, g, w, c int) []float64 {
	a := make([]float64, (g+2)*w*c)
	copy(a[:2*w*c], a0[:2*w*c])
	copy(a[g*w*c:], a0[g0*w*c:(g0+2)*w*c])
	return a
}

func TestExplore17Opt(t *testing.T) {
	if os.Getenv("CONVSCOPE_T17O") == "" {
		t.Skip()
	}
	tb, avg := ch17(t)
	g, _ := strconv.Atoi(os.Getenv("CONVSCOPE_T17O"))
	iters, _ := strconv.Atoi(os.Getenv("T17_ITERS"))
	lr, _ := strconv.ParseFloat(os.Getenv("T17_LR"), 64)
	sb := &StripBound1{K: tb.K, B: tb.B, KH: 3, KW: 3, C: 3, H: 150, W: 150, Heights: heightsOf(g, 148), Lo: 0, Hi: 1, MaxBits: 15}
	hs, off, n := sb.Offsets()
	a := make([]float64, n)
	if from := os.Getenv("T17_FROM"); from != "" {
		g0, _ := strconv.Atoi(os.Getenv("T17_FROMG"))
		a0 := loadFloats(from)
		src := &StripBound1{KH: 3, W: 150, C: 3, Heights: heightsOf(g0, 148)}
		hs0, off0, _ := src.Offsets()
		for k, h := range hs {
			// the source kind of the same height if any, else the first.
			j := 0
			for i, h0 := range hs0 {
				if h0 == h {
					j = i
				}
			}
			sz0 := (hs0[j] + 2) * 150 * 3
			w := warm(a0[off0[j]:off0[j]+sz0], hs0[j], h, 150, 3)
			copy(a[off[k]:], w)
		}
	}
	t0 := time.Now()
	v0 := sb.Bound(a, nil)
	t.Logf("G=%d start %.4f×", g, v0/avg)
	v := sb.Optimise(a, iters, lr)
	t.Logf("G=%d after %d steps (lr %g): %.4f× (%v)", g, iters, lr, v/avg, time.Since(t0))
	saveFloats(fmt.Sprintf("/tmp/t17_g%d.txt", g), a)
}

func TestExplore17Split(t *testing.T) {
	if os.Getenv("CONVSCOPE_T17P") == "" {
		t.Skip()
	}
	tb, avg := ch17(t)
	g, _ := strconv.Atoi(os.Getenv("CONVSCOPE_T17P"))
	iters, _ := strconv.Atoi(os.Getenv("T17_ITERS"))
	lr, _ := strconv.ParseFloat(os.Getenv("T17_LR"), 64)
	hs := heightsOf(g, 148)
	if h := os.Getenv("T17_HEIGHTS"); h != "" {
		hs = nil
		for _, f := range strings.Split(h, ",") {
			v, _ := strconv.Atoi(f)
			hs = append(hs, v)
		}
	}
	sp := &SplitBound1{S: StripBound1{K: tb.K, B: tb.B, KH: 3, KW: 3, C: 3, H: 150, W: 150, Heights: hs, Lo: 0, Hi: 1, MaxBits: 15}}
	var p []float64
	if from := os.Getenv("T17_FROM"); from != "" {
		p = loadFloats(from)
	} else if pf := os.Getenv("T17_PRICES"); pf != "" {
		g0, _ := strconv.Atoi(os.Getenv("T17_FROMG"))
		a0 := loadFloats(pf)
		p = sp.FromPrices(a0, g0, a0)
	} else {
		p = make([]float64, sp.Len())
	}
	t0 := time.Now()
	v0 := sp.Bound(p, nil)
	t.Logf("split heights %v start %.4f× (%v)", hs, v0/avg, time.Since(t0))
	v := sp.Optimise(p, iters, lr)
	t.Logf("after %d steps (lr %g): %.4f× (%v)", iters, lr, v/avg, time.Since(t0))
	saveFloats(fmt.Sprintf("/tmp/t17_split%d.txt", g), p)
}

func TestExplore17WriteCert(t *testing.T) {
	from := os.Getenv("CONVSCOPE_T17W")
	if from == "" {
		t.Skip()
	}
	p := loadFloats(from)
	for i, v := range p {
		p[i] = float64(float32(v))
	}
	if err := writeSplitCerts(splitCertFile, []splitCert{{17, heightsOf(6, 148), p}}); err != nil {
		t.Fatal(err)
	}
}
