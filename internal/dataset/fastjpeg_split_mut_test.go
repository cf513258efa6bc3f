package dataset

import (
	"fmt"
	"testing"
)

// fjmSampled decodes the pixels (xs[i], ys[j]) of data through the fast
// path and requires image/jpeg's values.
func fjmSampled(tb testing.TB, name string, data []byte, xs, ys []int32) {
	tb.Helper()
	f, err := parseFastJPEG(data)
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	got := make([]uint8, 3*len(xs)*len(ys))
	if err := openPhoto(data, f).nearest(got, xs, ys); err != nil {
		tb.Fatalf("%s: the fast path refused a file it decodes: %v", name, err)
	}
	all, w, _ := uprightRGB(tb, data)
	for j, y := range ys {
		for i, x := range xs {
			g, o := got[3*(j*len(xs)+i):][:3], all[3*(int(y)*w+int(x)):][:3]
			if g[0] != o[0] || g[1] != o[1] || g[2] != o[2] {
				tb.Fatalf("%s: pixel (%d, %d) = %v, image/jpeg %v", name, x, y, g, o)
			}
		}
	}
}

// fjmRange returns lo, lo+step, … below hi.
func fjmRange(lo, hi, step int) []int32 {
	var r []int32
	for v := lo; v < hi; v += step {
		r = append(r, int32(v))
	}
	return r
}

// TestFJSplitSampled decodes a few pixels — only the bottom rows, only
// the left or right columns, a sparse grid — of files without restart
// markers on two goroutines (fixUp re-decodes the MCUs holding them and
// sums DC differences for the others; mcuNeeded tells them apart), in
// every sampling: image/jpeg's values. The decoders must meet in most.
func TestFJSplitSampled(t *testing.T) {
	old := fjSplitMin
	fjSplitMin = 64
	defer func() { fjSplitMin = old }()
	synced0, cases := fjSplitStats.synced.Load(), 0
	const w, h = 203, 121
	for si, comps := range [][]fjmComp{fjmGray(), fjmYCbCr(1, 1), fjmYCbCr(2, 1), fjmYCbCr(1, 2), fjmYCbCr(2, 2)} {
		d := fjmBuild(t, fjmSpec{w: w, h: h, comps: comps, coef: fjmRandom(uint64(40+si), 20, 0.25)})
		for _, g := range []struct {
			name   string
			xs, ys []int32
		}{
			{"bottom-rows", fjmRange(0, w, 1), fjmRange(h-20, h, 1)},
			{"bottom-left", fjmRange(0, 30, 3), fjmRange(h/2, h, 2)},
			{"bottom-right", fjmRange(w-25, w, 2), fjmRange(h/2, h, 3)},
			{"one-row", fjmRange(5, w-40, 7), []int32{h - 9}},
			{"sparse", fjmRange(3, w, 17), fjmRange(1, h, 13)},
		} {
			cases++
			fjmSampled(t, fmt.Sprintf("comps%d/%s", si, g.name), d, g.xs, g.ys)
		}
	}
	if n := fjSplitStats.synced.Load() - synced0; 2*n < int64(cases) {
		t.Errorf("the decoders met in %d of %d decodes", n, cases)
	}
}

// TestFJSplitAlignedMCUs: every block of these gray files is exactly one
// byte (a DC difference of ±1 and an end of block), so the second decoder
// starts on an MCU boundary and the two meet at its very first record
// (index 0), which must count as a meeting: image/jpeg's pixels, and a
// synced split.
func TestFJSplitAlignedMCUs(t *testing.T) {
	old := fjSplitMin
	fjSplitMin = 64
	defer func() { fjSplitMin = old }()
	for _, w := range []int{8 * 150, 8 * 211} {
		i := 0
		coef := func(int, int, int) [64]int {
			i++
			return [64]int{i % 2} // differences +1, −1, +1, …
		}
		d := fjmBuild(t, fjmSpec{w: w, h: 8, comps: fjmGray(), coef: coef})
		synced0 := fjSplitStats.synced.Load()
		fjmMust(t, fmt.Sprintf("%d-blocks", w/8), d)
		fjmSampled(t, fmt.Sprintf("%d-blocks/sampled", w/8), d, fjmRange(w/2, w, 5), []int32{3})
		if fjSplitStats.synced.Load()-synced0 != 2 {
			t.Errorf("%d blocks: the decoders met in %d of 2 decodes", w/8, fjSplitStats.synced.Load()-synced0)
		}
	}
}

// TestFJSplitAtStuffedByte: every block of these gray files is three
// data bytes stored as four, FF 00 xx yy (a DC difference of category 11
// from a quantiser of 1 — code 111111110 — and an end of block), so every
// MCU starts on a stuffed 0xFF. Where the split point falls just after
// such an 0xFF, the second decoder must not start between it and its
// stuffed zero (it would take the zero for data, a byte early, and meet
// the first at that MCU with the wrong bits): image/jpeg's pixels. (Started
// right, mid-block, it never falls into step with data this regular: the
// first decoder does it all.)
func TestFJSplitAtStuffedByte(t *testing.T) {
	old := fjSplitMin
	fjSplitMin = 64
	defer func() { fjSplitMin = old }()
	ones := []byte{0}
	for range 64 {
		ones = append(ones, 1)
	}
	hits := 0
	for blocks := 100; blocks < 160; blocks++ {
		i := 0
		coef := func(int, int, int) [64]int {
			i++
			return [64]int{1500 * (i % 2)}
		}
		d := fjmBuild(t, fjmSpec{w: 8 * blocks, h: 8, comps: fjmGray(), dqt: [][]byte{ones}, coef: coef})
		f, err := parseFastJPEG(d)
		if err != nil {
			t.Fatal(err)
		}
		seg := f.segs[0]
		if m := len(seg) * 42 / 100; seg[m-1] != 0xFF {
			continue
		}
		hits++
		fjmMust(t, fmt.Sprintf("%d-blocks", blocks), d)
	}
	if hits < 3 {
		t.Fatalf("the split point followed an 0xFF in %d files", hits)
	}
}

// TestFJTrailingDataRefused: entropy-coded data with bytes after the
// last MCU's padding is refused by the fast path (image/jpeg would skip
// them), whether decoded on one goroutine, split over two (the split's
// end check fails and the sequential decoder finishes the job: its end
// check must refuse too), or by restart intervals.
func TestFJTrailingDataRefused(t *testing.T) {
	old := fjSplitMin
	defer func() { fjSplitMin = old }()
	for _, c := range []struct {
		name  string
		split int
		ri    int
	}{{"one", 1 << 30, 0}, {"split", 64, 0}, {"restarts", 64, 3}} {
		fjSplitMin = c.split
		for si, comps := range [][]fjmComp{fjmGray(), fjmYCbCr(2, 2)} {
			s := fjmSpec{w: 203, h: 121, comps: comps, ri: c.ri, coef: fjmRandom(uint64(60+si), 20, 0.25)}
			fjmMust(t, c.name, fjmBuild(t, s))
			s.post = []byte{0x12, 0x34, 0x56}
			fjmRefused(t, fmt.Sprintf("%s/comps%d/trailing", c.name, si), fjmBuild(t, s))
		}
	}
}
