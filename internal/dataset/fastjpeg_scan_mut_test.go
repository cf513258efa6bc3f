package dataset

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// fjmRecorded returns a coefficient source that remembers every block it
// gave (by component and block position).
func fjmRecorded(seed uint64, mag int, density float64) (func(c, bx, by int) [64]int, map[[3]int][64]int) {
	rng := rand.New(rand.NewPCG(seed, 3))
	seen := map[[3]int][64]int{}
	return func(c, bx, by int) [64]int {
		var b [64]int
		b[0] = rng.IntN(241) - 120
		for k := 1; k < 64; k++ {
			if rng.Float64() < density {
				b[k] = rng.IntN(2*mag+1) - mag
			}
		}
		seen[[3]int{c, bx, by}] = b
		return b
	}, seen
}

// TestFJPassDCPlane decodes files without keeping any block (the preview's
// pass) and checks every block's dequantised DC level — MCU padding
// included — against the coefficients written: every sampling, restart
// intervals, partial MCUs, on one goroutine and split over two.
func TestFJPassDCPlane(t *testing.T) {
	old := fjSplitMin
	defer func() { fjSplitMin = old }()
	synced0 := fjSplitStats.synced.Load()
	for _, sampling := range []struct {
		name  string
		comps []fjmComp
	}{{"gray", fjmGray()}, {"444", fjmYCbCr(1, 1)}, {"422", fjmYCbCr(2, 1)}, {"440", fjmYCbCr(1, 2)}, {"420", fjmYCbCr(2, 2)}} {
		for _, ri := range []int{0, 1, 3} {
			for _, split := range []int{64, 1 << 30} {
				for _, size := range [][2]int{{85, 43}, {203, 121}} {
					fjSplitMin = split
					coef, seen := fjmRecorded(uint64(ri+len(sampling.comps)+size[0]), 20, 0.3)
					d := fjmBuild(t, fjmSpec{w: size[0], h: size[1], comps: sampling.comps, ri: ri, coef: coef})
					name := fmt.Sprintf("%s/%dx%d/ri%d/split%d", sampling.name, size[0], size[1], ri, split)
					f, err := parseFastJPEG(d)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					p := newFJPass(f, [3][]bool{}, [3][]bool{})
					if err := p.run(); err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					for c := range f.ncomp {
						cp := &f.comp[c]
						if len(p.dc[c]) != cp.bw*cp.bh {
							t.Fatalf("%s: component %d has %d DC levels, want %d", name, c, len(p.dc[c]), cp.bw*cp.bh)
						}
						for by := range cp.bh {
							for bx := range cp.bw {
								b, ok := seen[[3]int{c, bx, by}]
								if !ok {
									t.Fatalf("%s: block (%d, %d) of component %d was never written", name, bx, by, c)
								}
								want := int32(b[0]) * f.quant[cp.tq][0]
								if got := p.dc[c][by*cp.bw+bx]; got != want {
									t.Fatalf("%s: component %d block (%d, %d): DC %d, want %d", name, c, bx, by, got, want)
								}
							}
						}
					}
				}
			}
		}
	}
	if n := fjSplitStats.synced.Load() - synced0; n < 5 {
		t.Errorf("the split decoders met %d times in 10 files, want at least 5", n)
	}
}

// TestFJDCCategory16: image/jpeg takes DC differences of 16 bits (size
// category 16, beyond baseline's 11); so does the fast path, with the
// same pixels (all clamped). A DC symbol above 16 is refused.
func TestFJDCCategory16(t *testing.T) {
	std := fjmStdTables(t)
	dc := fjmTable{tc: 0, counts: [16]byte{4: 17}, vals: []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}}
	levels := []int{40000, 0, -33000, 0, 33000, 5} // differences of 16 bits: 32768 ≤ |d| ≤ 65535
	i := 0
	coef := func(c, bx, by int) [64]int {
		i++
		return [64]int{levels[(i-1)%len(levels)], 3, -2}
	}
	ones := append([]byte{0}, make([]byte, 64)...)
	for k := 1; k <= 64; k++ {
		ones[k] = 1
	}
	d := fjmBuild(t, fjmSpec{w: 48, h: 8, comps: fjmGray(), dht: []fjmTable{dc, std[1]}, dqt: [][]byte{ones}, coef: coef})
	fjmMust(t, "dc-category-16", d)

	// A DC symbol of 17: the table lists it, the data uses it.
	dc17 := dc
	dc17.vals = append([]byte(nil), dc.vals...)
	dc17.vals[0] = 17 // the code of category 0 now means 17
	d = fjmBuild(t, fjmSpec{w: 8, h: 8, comps: fjmGray(), dht: []fjmTable{dc, std[1]}, coef: func(int, int, int) [64]int { return [64]int{} }})
	hd := fjmHeaders(t, fjmSpec{w: 8, h: 8, comps: fjmGray(), dht: []fjmTable{dc17, std[1]}})
	d = fjmCat(hd, d[len(fjmHeaders(t, fjmSpec{w: 8, h: 8, comps: fjmGray(), dht: []fjmTable{dc, std[1]}})):])
	fjmRefused(t, "dc-category-17", d)
}

// TestFJSplitThreshold: a single entropy-coded segment of exactly
// fjSplitMin bytes is decoded on two goroutines (when two are allowed),
// one byte shorter than fjSplitMin on one; files with restart intervals
// and GOMAXPROCS(1) never split. Pixels are image/jpeg's either way.
func TestFJSplitThreshold(t *testing.T) {
	old, procs := fjSplitMin, runtime.GOMAXPROCS(2)
	defer func() { fjSplitMin = old; runtime.GOMAXPROCS(procs) }()
	splits := func() int64 { return fjSplitStats.synced.Load() + fjSplitStats.unsynced.Load() }
	for _, c := range []struct {
		name  string
		ri    int
		procs int
		extra int // fjSplitMin − segment length
		split bool
	}{
		{"at-threshold", 0, 2, 0, true},
		{"below-threshold", 0, 2, 1, false},
		{"restarts", 2, 2, -1000, false},
		{"one-proc", 0, 1, -1000, false},
	} {
		d := fjmBuild(t, fjmSpec{w: 120, h: 64, comps: fjmYCbCr(2, 2), ri: c.ri, coef: fjmRandom(8, 20, 0.3)})
		f, err := parseFastJPEG(d)
		if err != nil {
			t.Fatal(err)
		}
		runtime.GOMAXPROCS(c.procs)
		fjSplitMin = max(1, len(f.segs[0])+c.extra)
		before := splits()
		fjmMust(t, c.name, d)
		if got := splits() - before; got != map[bool]int64{false: 0, true: 1}[c.split] {
			t.Errorf("%s: %d split decodes, want split %v", c.name, got, c.split)
		}
	}
}
