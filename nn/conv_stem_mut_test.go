package nn

import (
	"fmt"
	"math"
	"testing"
)

// TestConvStemRowBlocks runs stem convolutions whose output rows make
// several work items (stemRows each) with activations applied after the
// tiles (sigmoid, softmax: each item's rows exactly once), and padded rows
// where the last output reads the last input column with a left pad only
// (the padded row must hold w + pl pixels, more than the tiles read), on
// the Go tiles and, where the CPU has them, the AVX-512 ones, one and two
// workers, against a float64 convolution.
func TestConvStemRowBlocks(t *testing.T) {
	cases := []stemCase{
		{name: "sigmoid, 3 row blocks", h: 20, w: 9, cin: 3, f: 32, kh: 3, kw: 3, sh: 1, sw: 1, pads: [4]int{1, 1, 1, 1}, act: "sigmoid"},
		{name: "softmax, 2 row blocks, stride 2", h: 21, w: 7, cin: 2, f: 64, kh: 3, kw: 3, sh: 2, sw: 2, pads: [4]int{1, 1, 1, 1}, act: "softmax", noBias: true},
		{name: "left pad only, 12-pixel tiles", h: 5, w: 25, cin: 3, f: 32, kh: 3, kw: 3, sh: 2, sw: 2, pads: [4]int{1, 1, 0, 0}, act: "relu"},
		{name: "left pad only, 6-pixel tiles", h: 5, w: 25, cin: 3, f: 64, kh: 3, kw: 3, sh: 2, sw: 2, pads: [4]int{1, 1, 0, 0}, act: "linear"},
	}
	for _, c := range cases {
		for _, tl := range stemTileKinds() {
			for _, w := range []int{1, 2} {
				name := fmt.Sprintf("%s/%s/workers=%d", c.name, tl, w)
				e := Engine{Workers: w}
				e.opts.stemGo = tl == "go"
				var l *Conv2D
				var y *Tensor
				var want []float64
				if winoPanics(func() { l, y, want = runStemCase(t, c, e) }) {
					t.Errorf("%s: Forward panicked", name)
					continue
				}
				if !l.stemOK() {
					t.Fatalf("%s: the convolution did not take the stem kernel", name)
				}
				if err := maxRelErr(y.Data, want); !(err <= 1e-6) {
					t.Errorf("%s: max relative error %.3g, expected ≤ 1e-6", name, err)
				}
			}
		}
	}
}

// TestStemTilesNone checks that stemTiles with no tiles (n ≤ 0) returns
// without looking at its slices.
func TestStemTilesNone(t *testing.T) {
	for _, n := range []int{0, -1} {
		for _, goTiles := range []bool{false, true} {
			if winoPanics(func() {
				stemTiles(4, 6, nil, 64, nil, 3, 30, nil, 64, 3, 9, nil, n, 0, float32(math.Inf(1)), goTiles)
			}) {
				t.Errorf("n = %d, Go tiles %v: stemTiles panicked", n, goTiles)
			}
		}
	}
}

// TestStemRowSplit pins how the stem kernel cuts a sample's output rows
// into work items: ceil(oh / stemRows) blocks of equal size, rounded up.
func TestStemRowSplit(t *testing.T) {
	for _, tc := range []struct{ oh, rows, blocks int }{
		{1, 1, 1}, {8, 8, 1}, {9, 5, 2}, {16, 8, 2}, {17, 6, 3}, {20, 7, 3},
	} {
		l := NewConv2D(16, 3, 3, WithPadding("same"))
		if _, err := l.Build([]int{tc.oh, 5, 3}); err != nil {
			t.Fatal(err)
		}
		e := Engine{Workers: 1}
		e.opts.stemGo = true
		l.setEngine(e)
		x, y := NewTensor(1, tc.oh, 5, 3), NewTensor(1, tc.oh, 5, 16)
		l.Forward(y, x, false)
		if !l.stemOK() || l.rows != tc.rows || l.blocks != tc.blocks {
			t.Errorf("%d output rows: stem %v, %d blocks of %d rows; expected %d of %d", tc.oh, l.stemOK(), l.blocks, l.rows, tc.blocks, tc.rows)
		}
	}
}

// TestStemNoBiasAllocs checks that a stem convolution without bias makes
// its zero bias once: later calls allocate nothing.
func TestStemNoBiasAllocs(t *testing.T) {
	l := NewConv2D(32, 3, 3, WithPadding("same"), WithUseBias(false))
	if _, err := l.Build([]int{9, 9, 3}); err != nil {
		t.Fatal(err)
	}
	e := Engine{Workers: 1}
	e.opts.stemGo = true
	l.setEngine(e)
	x, y := NewTensor(1, 9, 9, 3), NewTensor(1, 9, 9, 32)
	l.Forward(y, x, false)
	if !l.stemOK() {
		t.Fatal("the convolution did not take the stem kernel")
	}
	if a := testing.AllocsPerRun(5, func() { l.Forward(y, x, false) }); a != 0 {
		t.Errorf("Forward allocated %v times, expected 0", a)
	}
}
