package nn

import (
	"testing"

	"gonum.org/v1/gonum/blas/gonum"

	"github.com/convscope/convscope/nn/sgemm"
)

// convPathCase is one convolution for the path-choice tests.
type convPathCase struct {
	name      string
	in        []int
	filters   int
	kh, kw    int
	opts      []Option
	eng       Engine
	direct    bool // conv2d_direct.go: stride 1, no padding, nn/sgemm
	paddedDir bool // conv2d_padded.go: stride 1 with some padding, nn/sgemm
	stacked   bool // kh > 1 and kw·cin < stackMaxK
}

func (tc convPathCase) build(t *testing.T) *Conv2D {
	t.Helper()
	l := NewConv2D(tc.filters, tc.kh, tc.kw, tc.opts...)
	l.setEngine(tc.eng)
	if _, err := l.Build(tc.in); err != nil {
		t.Fatalf("%s: %v", tc.name, err)
	}
	return l
}

// TestConv2DPathChoice pins which forward path each convolution takes
// (direct, padded direct, stacked kernel rows).
// Every path computes the same convolution (the parity and gradient tests
// compare them), so a wrong choice shows only in speed; this test asks the
// choosing functions directly. Each case changes one condition from a case
// that takes the path, so each clause of the conditions is seen to matter;
// each pad is set alone (a sum of pads with one sign flipped is then
// negative).
func TestConv2DPathChoice(t *testing.T) {
	gon := Engine{BLAS: gonum.Implementation{}}
	off := Engine{opts: engineOptions{convDirectOff: true}}
	stackOff := Engine{opts: engineOptions{convStackOff: true}}
	for _, tc := range []convPathCase{
		{name: "valid 3×3", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, direct: true},
		{name: "valid 3×3, gonum", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, eng: gon},
		{name: "valid 3×3, direct off", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, eng: off},
		{name: "valid 3×2, stride 2 rows", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 2, opts: []Option{WithStrides(2, 1)}},
		{name: "valid 3×2, stride 2 columns", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 2, opts: []Option{WithStrides(1, 2)}},
		{name: "valid, groups 2", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithGroups(2)}},
		{name: "valid, dilated rows", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithDilation(2, 1)}},
		{name: "valid, dilated columns", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithDilation(1, 2)}},
		{name: "pad top", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithPads(1, 0, 0, 0)}, paddedDir: true},
		{name: "pad left", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithPads(0, 1, 0, 0)}, paddedDir: true},
		{name: "pad bottom", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithPads(0, 0, 1, 0)}, paddedDir: true},
		{name: "pad right", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithPads(0, 0, 0, 1)}, paddedDir: true},
		{name: "same", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithPadding("same")}, paddedDir: true},
		{name: "same, gonum", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithPadding("same")}, eng: gon},
		{name: "same, direct off", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithPadding("same")}, eng: off},
		{name: "same, stride 2 rows", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithPadding("same"), WithStrides(2, 1)}},
		{name: "same, stride 2 columns", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithPadding("same"), WithStrides(1, 2)}},
		{name: "same, groups 2", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithPadding("same"), WithGroups(2)}},
		{name: "same, dilated rows", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithPadding("same"), WithDilation(2, 1)}},
		{name: "same, dilated columns", in: []int{9, 8, 16}, filters: 16, kh: 3, kw: 3, opts: []Option{WithPadding("same"), WithDilation(1, 2)}},
		// Stacked kernel rows: kw·cin below stackMaxK (32), kh > 1.
		{name: "stacked 3×3×3", in: []int{9, 8, 3}, filters: 8, kh: 3, kw: 3, direct: true, stacked: true},
		{name: "stacked kw·cin 31", in: []int{9, 40, 31}, filters: 8, kh: 2, kw: 1, direct: true, stacked: true},
		{name: "not stacked kw·cin 32", in: []int{9, 8, 16}, filters: 8, kh: 2, kw: 2, direct: true},
		{name: "not stacked kh 1", in: []int{9, 8, 3}, filters: 8, kh: 1, kw: 3, direct: true},
		{name: "stacked, padded", in: []int{9, 8, 3}, filters: 8, kh: 3, kw: 3, opts: []Option{WithPads(1, 1, 1, 1)}, paddedDir: true, stacked: true},
		{name: "stacking off", in: []int{9, 8, 3}, filters: 8, kh: 3, kw: 3, eng: stackOff, direct: true},
	} {
		l := tc.build(t)
		if got := l.direct(); got != tc.direct {
			t.Errorf("%s: direct() = %v, expected %v", tc.name, got, tc.direct)
		}
		if got := l.paddedDirect(); got != tc.paddedDir {
			t.Errorf("%s: paddedDirect() = %v, expected %v", tc.name, got, tc.paddedDir)
		}
		if got := l.stacked(); got != tc.stacked {
			t.Errorf("%s: stacked() = %v, expected %v", tc.name, got, tc.stacked)
		}
	}
}

// TestConv2DUsePacked pins when an inference call multiplies with packed
// kernels: PackWeights, not training, nn/sgemm, neither depthwise nor
// grouped, and a width nn/sgemm would pack on every call anyway (more than
// four panels, or a ragged last panel); and packedColumns: column blocks
// starting on a panel.
func TestConv2DUsePacked(t *testing.T) {
	nr := sgemm.PanelWidth()
	for _, tc := range []struct {
		name     string
		filters  int
		groups   int
		cin      int
		eng      Engine
		training bool
		want     bool
	}{
		{name: "five panels", filters: 5 * nr, groups: 1, cin: 4, eng: Engine{PackWeights: true}, want: true},
		{name: "four panels", filters: 4 * nr, groups: 1, cin: 4, eng: Engine{PackWeights: true}},
		{name: "one panel", filters: nr, groups: 1, cin: 4, eng: Engine{PackWeights: true}},
		{name: "ragged panel", filters: nr + 1, groups: 1, cin: 4, eng: Engine{PackWeights: true}, want: true},
		{name: "half a panel", filters: nr / 2, groups: 1, cin: 4, eng: Engine{PackWeights: true}, want: true},
		{name: "five panels, training", filters: 5 * nr, groups: 1, cin: 4, eng: Engine{PackWeights: true}, training: true},
		{name: "five panels, no PackWeights", filters: 5 * nr, groups: 1, cin: 4},
		{name: "five panels, gonum", filters: 5 * nr, groups: 1, cin: 4, eng: Engine{PackWeights: true, BLAS: gonum.Implementation{}}},
		{name: "five panels, depthwise", filters: 5 * nr, groups: 4, cin: 4, eng: Engine{PackWeights: true}},
		{name: "five panels, grouped", filters: 5 * nr, groups: 2, cin: 4, eng: Engine{PackWeights: true}},
	} {
		l := NewConv2D(tc.filters, 3, 3, WithGroups(tc.groups))
		l.setEngine(tc.eng)
		if _, err := l.Build([]int{6, 6, tc.cin}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := l.usePacked(tc.training); got != tc.want {
			t.Errorf("%s: usePacked(%v) = %v, expected %v", tc.name, tc.training, got, tc.want)
		}
	}

	l := NewConv2D(5*nr, 3, 3)
	l.setEngine(Engine{PackWeights: true})
	if _, err := l.Build([]int{6, 6, 4}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		packed, packOK bool
		j0             int
		want           bool
	}{
		{true, true, 0, true},
		{true, true, 2 * nr, true},
		{true, true, nr + 1, false},
		{true, true, nr / 2, false},
		{false, true, 0, false},
		{true, false, 0, false},
	} {
		l.packed, l.packOK = tc.packed, tc.packOK
		if got := l.packedColumns(tc.j0); got != tc.want {
			t.Errorf("packedColumns(%d) with packed %v, packOK %v = %v, expected %v", tc.j0, tc.packed, tc.packOK, got, tc.want)
		}
	}
}
