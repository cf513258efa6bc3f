package nn

import (
	"math/rand"
	"testing"

	"github.com/convscope/convscope/nn/sgemm"
	"gonum.org/v1/gonum/blas/gonum"
)

// TestWinogradTile pins which inference calls take the Winograd path and
// with which tile, at the default thresholds (the other Winograd tests
// lower them with allTiles): F(2×2) from 64 tiles of 2×2 per sample
// (ceil(oh/2)·ceil(ow/2)), from 49 when the transformed kernel has at most
// winoSmallU values, and 16 input and output channels, F(4×4) only
// with the engine's winogradF4 knob, from 64 tiles of 4×4 and up to
// winoF4MaxU transformed values. Every path computes the same convolution,
// so a wrong choice shows only in speed (or, for F(4×4), in rounding);
// each case changes one condition of a case that takes the path.
func TestWinogradTile(t *testing.T) {
	f4 := Engine{opts: engineOptions{winogradF4: true}}
	for _, tc := range []struct {
		name     string
		in       []int
		filters  int
		kh, kw   int
		opts     []Option
		eng      Engine
		training bool
		want     int
	}{
		{name: "16×16 output: 64 tiles", in: []int{18, 18, 16}, filters: 16, want: 2},
		{name: "15×16 output: 8·8 tiles", in: []int{17, 18, 16}, filters: 16, want: 2},
		{name: "16×15 output: 8·8 tiles", in: []int{18, 17, 16}, filters: 16, want: 2},
		{name: "14×16 output: 56 tiles, small kernel (winograd_small.go)", in: []int{16, 18, 16}, filters: 16, want: 2},
		{name: "16×14 output: 56 tiles, small kernel", in: []int{18, 16, 16}, filters: 16, want: 2},
		{name: "14×16 output: 56 tiles, 16·128·129 transformed values", in: []int{16, 18, 128}, filters: 129},
		{name: "14×14 output: 49 tiles, 16·128·128 transformed values", in: []int{16, 16, 128}, filters: 128, want: 2},
		{name: "12×16 output: 48 tiles", in: []int{14, 18, 16}, filters: 16},
		{name: "16×12 output: 48 tiles", in: []int{18, 14, 16}, filters: 16},
		{name: "15 input channels", in: []int{18, 18, 15}, filters: 16},
		{name: "15 filters", in: []int{18, 18, 16}, filters: 15},
		{name: "training", in: []int{18, 18, 16}, filters: 16, training: true},
		{name: "Winograd off", in: []int{18, 18, 16}, filters: 16, eng: Engine{opts: engineOptions{winogradOff: true}}},
		{name: "gonum", in: []int{18, 18, 16}, filters: 16, eng: Engine{BLAS: gonum.Implementation{}}},
		{name: "3×2 kernel", in: []int{18, 18, 16}, filters: 16, kw: 2},
		{name: "2×3 kernel", in: []int{18, 18, 16}, filters: 16, kh: 2},
		{name: "stride 2 rows", in: []int{34, 18, 16}, filters: 16, opts: []Option{WithStrides(2, 1)}},
		{name: "stride 2 columns", in: []int{18, 34, 16}, filters: 16, opts: []Option{WithStrides(1, 2)}},
		{name: "dilated rows", in: []int{20, 18, 16}, filters: 16, opts: []Option{WithDilation(2, 1)}},
		{name: "dilated columns", in: []int{18, 20, 16}, filters: 16, opts: []Option{WithDilation(1, 2)}},
		{name: "groups 2", in: []int{18, 18, 16}, filters: 16, opts: []Option{WithGroups(2)}},
		{name: "same padding", in: []int{16, 16, 16}, filters: 16, opts: []Option{WithPadding("same")}, want: 2},
		{name: "relu6", in: []int{18, 18, 16}, filters: 16, opts: []Option{WithActivation("relu6")}, want: 2},
		{name: "linear", in: []int{18, 18, 16}, filters: 16, opts: []Option{WithActivation("linear")}, want: 2},
		{name: "tanh", in: []int{18, 18, 16}, filters: 16, opts: []Option{WithActivation("tanh")}},
		{name: "F4: 32×32 output", in: []int{34, 34, 16}, filters: 16, eng: f4, want: 4},
		{name: "F4: 29×32 output: 8·8 tiles", in: []int{31, 34, 16}, filters: 16, eng: f4, want: 4},
		{name: "F4: 32×29 output: 8·8 tiles", in: []int{34, 31, 16}, filters: 16, eng: f4, want: 4},
		{name: "F4: 28×32 output: 7·8 tiles", in: []int{30, 34, 16}, filters: 16, eng: f4, want: 2},
		{name: "F4: 64→128 kernel, 36·64·128 transformed values", in: []int{34, 34, 64}, filters: 128, eng: f4, want: 4},
		{name: "F4: 64→136 kernel, too large", in: []int{34, 34, 64}, filters: 136, eng: f4, want: 2},
		{name: "F4 knob, F2 tiles only", in: []int{18, 18, 16}, filters: 16, eng: f4, want: 2},
		{name: "F4, training", in: []int{34, 34, 16}, filters: 16, eng: f4, training: true},
	} {
		kh, kw := 3, 3
		if tc.kh != 0 {
			kh = tc.kh
		}
		if tc.kw != 0 {
			kw = tc.kw
		}
		opts := append([]Option{WithActivation("relu")}, tc.opts...)
		l := NewConv2D(tc.filters, kh, kw, opts...)
		l.setEngine(tc.eng)
		if _, err := l.Build(tc.in); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := l.winoTile(tc.training); got != tc.want {
			t.Errorf("%s: winoTile(%v) = %d, expected %d", tc.name, tc.training, got, tc.want)
		}
		if got := l.winogradOK(tc.training); got != (tc.want > 0) {
			t.Errorf("%s: winogradOK(%v) = %v", tc.name, tc.training, got)
		}
	}
}

// TestWinogradTileSnapshotLimit pins the kernel size limit without
// PackWeights (a copy of the kernel is compared on every call): a 342→342
// kernel (1,052,676 values, more than winoSnapMax) takes Winograd only
// with PackWeights.
func TestWinogradTileSnapshotLimit(t *testing.T) {
	for _, pack := range []bool{false, true} {
		l := NewConv2D(342, 3, 3, WithActivation("relu"))
		l.setEngine(Engine{PackWeights: pack})
		if _, err := l.Build([]int{18, 18, 342}); err != nil {
			t.Fatal(err)
		}
		want := 0
		if pack {
			want = 2
		}
		if got := l.winoTile(false); got != want {
			t.Errorf("PackWeights %v: winoTile = %d, expected %d", pack, got, want)
		}
	}
}

// TestSplitWinograd pins how a Winograd call is cut into work items: the
// tile grid, bands of tile rows (as many as winoBlockBytes holds, then more
// until the items share evenly among the workers or there are four per
// worker, of equal size), and, with fewer than two items per worker, blocks
// of output channels (multiples of the panel width; none with a fused
// pooling). The split changes only how the work is shared; the other
// Winograd tests check the values across splits.
func TestSplitWinograd(t *testing.T) {
	// The table's column blocks are multiples of 16: the AVX2 and AVX-512
	// kernels' panel widths. The Go kernel's 4-wide panels (-tags purego,
	// other architectures) split further; TestSplitWinogradPanels covers
	// them in units of the panel width.
	if nr := sgemm.PanelWidth(); nr < 16 {
		t.Skipf("table pinned for panel widths 16 and 32, this build's is %d (TestSplitWinogradPanels covers it)", nr)
	}
	for _, tc := range []struct {
		name               string
		in                 []int
		filters, m, n, w   int
		pooled             bool
		th, tw, band, blks int
		cb, cw             int
	}{
		{name: "one image, two workers", in: []int{18, 18, 16}, filters: 16, m: 2, n: 1, w: 2, th: 8, tw: 8, band: 4, blks: 2, cb: 1, cw: 16},
		{name: "one image, three workers: ragged bands", in: []int{18, 18, 16}, filters: 16, m: 2, n: 1, w: 3, th: 8, tw: 8, band: 3, blks: 3, cb: 1, cw: 16},
		{name: "cache-bound bands", in: []int{34, 34, 64}, filters: 64, m: 2, n: 2, w: 1, th: 16, tw: 16, band: 6, blks: 3, cb: 1, cw: 64},
		{name: "odd output: 15×17", in: []int{17, 19, 16}, filters: 16, m: 2, n: 1, w: 1, th: 8, tw: 9, band: 8, blks: 1, cb: 1, cw: 16},
		{name: "F4, one image, two workers", in: []int{34, 34, 16}, filters: 16, m: 4, n: 1, w: 2, th: 8, tw: 8, band: 4, blks: 2, cb: 1, cw: 16},
		{name: "F4, odd output: 30×29", in: []int{32, 31, 16}, filters: 16, m: 4, n: 1, w: 1, th: 8, tw: 8, band: 8, blks: 1, cb: 1, cw: 16},
		{name: "column blocks", in: []int{18, 18, 16}, filters: 128, m: 2, n: 1, w: 4, th: 8, tw: 8, band: 2, blks: 4, cb: 2, cw: 64},
		{name: "column blocks, pooled: none", in: []int{18, 18, 16}, filters: 128, m: 2, n: 1, w: 4, pooled: true, th: 8, tw: 8, band: 2, blks: 4, cb: 1, cw: 128},
		{name: "enough items: no column blocks", in: []int{18, 18, 16}, filters: 128, m: 2, n: 4, w: 2, th: 8, tw: 8, band: 8, blks: 1, cb: 1, cw: 128},
	} {
		l := NewConv2D(tc.filters, 3, 3, WithActivation("relu"))
		l.setEngine(Engine{Workers: tc.w})
		if _, err := l.Build(tc.in); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		l.wino.tile = tc.m
		l.splitWinograd(tc.n, tc.pooled)
		wg := &l.wino
		if wg.th != tc.th || wg.tw != tc.tw || wg.band != tc.band || wg.blocks != tc.blks || wg.cb != tc.cb || wg.cw != tc.cw {
			t.Errorf("%s: tiles %d×%d, bands of %d × %d, %d column blocks of %d; expected %d×%d, %d × %d, %d of %d", tc.name,
				wg.th, wg.tw, wg.band, wg.blocks, wg.cb, wg.cw, tc.th, tc.tw, tc.band, tc.blks, tc.cb, tc.cw)
		}
	}
}

// TestSplitWinogradPanels pins the work split where it depends on the
// micro-kernel's panel width nr (sgemm.PanelWidth: 32, 16 or 4 by
// machine), with filters and column widths in panels: per = ceil(2w /
// items) column blocks are wanted, each ceil(filters / per) channels
// rounded up to whole panels, at least two panels; none when there are
// already 2w items. Also the band count's stop at four items per worker
// (7 images on 3 workers: 2 bands of 4 tile rows, 14 items, although 14 is
// not a multiple of 3).
func TestSplitWinogradPanels(t *testing.T) {
	nr := sgemm.PanelWidth()
	for _, tc := range []struct {
		name                  string
		in                    []int
		fPanels, fExtra       int // filters = fPanels·nr + fExtra
		n, w                  int
		band, blks            int
		cb, cwPanels, cwExtra int // cw = cwPanels·nr + cwExtra
	}{
		{name: "7 images, 3 workers: 4 items per worker", in: []int{18, 18, 16}, fPanels: 0, fExtra: 16, n: 7, w: 3, band: 4, blks: 2, cb: 1, cwExtra: 16},
		{name: "4 items, 4 workers: 2 column blocks of 6 panels", in: []int{18, 18, 16}, fPanels: 12, n: 1, w: 4, band: 2, blks: 4, cb: 2, cwPanels: 6},
		{name: "4 items, 4 workers: 4 panels and 2 channels", in: []int{18, 18, 16}, fPanels: 4, fExtra: 2, n: 1, w: 4, band: 2, blks: 4, cb: 2, cwPanels: 3},
		{name: "1 item, 4 workers: blocks of at least 2 panels", in: []int{4, 18, 16}, fPanels: 4, n: 1, w: 4, band: 1, blks: 1, cb: 2, cwPanels: 2},
		{name: "2w items: no column blocks", in: []int{18, 18, 16}, fPanels: 4, fExtra: 1, n: 4, w: 2, band: 8, blks: 1, cb: 1, cwPanels: 4, cwExtra: 1},
	} {
		f := tc.fPanels*nr + tc.fExtra
		l := NewConv2D(f, 3, 3, WithActivation("relu"))
		l.setEngine(Engine{Workers: tc.w})
		if _, err := l.Build(tc.in); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		l.wino.tile = 2
		l.splitWinograd(tc.n, false)
		wg := &l.wino
		cw := tc.cwPanels*nr + tc.cwExtra
		if wg.band != tc.band || wg.blocks != tc.blks || wg.cb != tc.cb || wg.cw != cw {
			t.Errorf("%s (panel width %d): bands of %d × %d, %d column blocks of %d; expected %d × %d, %d of %d", tc.name, nr,
				wg.band, wg.blocks, wg.cb, wg.cw, tc.band, tc.blks, tc.cb, cw)
		}
	}
}

// TestWinogradTileSwitch runs one layer with F(2×2), then F(4×4), then
// F(2×2) again (the engine's winogradF4 knob turned on and off between
// calls, the kernel unchanged), without and with PackWeights: the
// transformed kernels of one tile size must never serve the other (their
// number and values differ), and each call must match a float64
// convolution.
func TestWinogradTileSwitch(t *testing.T) {
	defer allTiles()()
	for _, pack := range []bool{false, true} {
		c := NewConv2D(16, 3, 3, WithPadding("same"))
		if _, err := c.Build([]int{12, 12, 16}); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewSource(5))
		fillUniform(c.kernel.Value, 0.3, rng)
		fillUniform(c.bias.Value, 1, rng)
		x := NewTensor(1, 12, 12, 16)
		fillUniform(x.Data, 1, rng)
		ref := conv3x3Ref64(x, c.kernel.Value, c.bias.Value, 16, 1, 1, 12, 12, actLinear)
		y := NewTensor(1, 12, 12, 16)
		for step, m := range []int{2, 4, 2, 4} {
			c.setEngine(Engine{PackWeights: pack, opts: engineOptions{winogradF4: m == 4}})
			if got := c.winoTile(false); got != m {
				t.Fatalf("pack %v, step %d: the layer takes F(%d), expected F(%d)", pack, step, got, m)
			}
			c.Forward(y, x, false)
			if e := maxRelErr(y.Data, ref); !(e <= winoTol[m]) {
				t.Errorf("pack %v, step %d, F(%d): error %.3g of the output's scale, expected ≤ %g", pack, step, m, e, winoTol[m])
			}
		}
	}
}

// TestWinogradKeepsTransformedKernels checks that the transformed kernels
// are kept between calls: with the kernel unchanged, prepareWinograd does
// not make them again (here seen through wg.u, the U_ξ before packing,
// overwritten between the calls), and a changed kernel is transformed
// again; Engine.PackWeights trusts them until weightsChanged. A layer
// whose kernel changes on every call allocates nothing once its buffers
// exist.
func TestWinogradKeepsTransformedKernels(t *testing.T) {
	defer allTiles()()
	for _, pack := range []bool{false, true} {
		c := NewConv2D(16, 3, 3)
		if _, err := c.Build([]int{10, 10, 16}); err != nil {
			t.Fatal(err)
		}
		fillUniform(c.kernel.Value, 0.3, rand.New(rand.NewSource(2)))
		c.setEngine(Engine{PackWeights: pack})
		c.prepareWinograd(2)
		u := c.wino.u[:16*16*16]
		const mark = 12345
		poison := func() {
			for i := range u {
				u[i] = mark
			}
		}
		remade := func() bool { return u[0] != mark }
		poison()
		c.prepareWinograd(2)
		if remade() {
			t.Errorf("pack %v: the transformed kernels were made again for the same kernel", pack)
		}
		c.kernel.Value[7] += 0.5
		c.prepareWinograd(2)
		if remade() == pack {
			t.Errorf("pack %v: after a change of the kernel, transformed again: %v, expected %v", pack, remade(), !pack)
		}
		if pack {
			c.weightsChanged()
			c.prepareWinograd(2)
			if !remade() {
				t.Errorf("pack %v: weightsChanged did not make the transformed kernels again", pack)
			}
		}
	}
	c := NewConv2D(16, 3, 3)
	if _, err := c.Build([]int{10, 10, 16}); err != nil {
		t.Fatal(err)
	}
	fillUniform(c.kernel.Value, 0.3, rand.New(rand.NewSource(3)))
	x, y := NewTensor(1, 10, 10, 16), NewTensor(1, 8, 8, 16)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(4)))
	c.setEngine(Engine{Workers: 1})
	c.Forward(y, x, false)
	if a := testing.AllocsPerRun(5, func() {
		c.kernel.Value[0] += 1
		c.Forward(y, x, false)
	}); a != 0 {
		t.Errorf("a Winograd call with a changed kernel allocated %v times, expected 0", a)
	}
}

// TestWinogradPooledWholeBands checks that a Winograd convolution fused
// with a 2×2 max pooling (Sequential's conv + pool) is not cut into column
// blocks: the pooling of a band reads every channel of its rows, so the
// band must have written them all. With one worker and 4 panels of
// filters, the same convolution alone takes two column blocks; fused, one,
// and its outputs are the direct path's.
func TestWinogradPooledWholeBands(t *testing.T) {
	f := 4 * sgemm.PanelWidth()
	build := func(off bool) *Sequential {
		m, err := NewSequential([]int{18, 18, 16}, NewConv2D(f, 3, 3, WithActivation("relu")), NewMaxPooling2D(2, 2))
		if err != nil {
			t.Fatal(err)
		}
		m.Init(1)
		e := Engine{Workers: 1}
		e.opts.winogradOff = off
		m.SetEngine(e)
		return m
	}
	x := NewTensor(1, 18, 18, 16)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(6)))
	m := build(false)
	got := m.Activations(x)
	c := m.Layers()[0].(*Conv2D)
	if c.wino.tile != 2 || c.wino.cb != 1 {
		t.Errorf("fused with the pooling: F(%d), %d column blocks; expected F(2), 1", c.wino.tile, c.wino.cb)
	}
	want := build(true).Activations(x)
	for l := range want {
		if e := maxRelErr(got[l].Data, parityTo64(want[l].Data)); e > 1e-5 {
			t.Errorf("layer %d: Winograd and direct differ by %.3g of the output's scale", l, e)
		}
	}
	y := NewTensor(1, 16, 16, f)
	c.Forward(y, x, false)
	if c.wino.cb != 2 {
		t.Errorf("alone: %d column blocks, expected 2", c.wino.cb)
	}
}
