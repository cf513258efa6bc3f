package nn

import (
	"math/rand"
	"testing"
)

// TestConv2DDispatch pins which kernel each convolution takes: the
// depthwise kernel (conv2d_depthwise.go) only for one input channel per
// group with more than one group (MobileNet's 3×3 depthwise layers), the
// per-group im2col path for other grouped or dilated convolutions, and the
// plain path otherwise. The values are the same on every path (the
// gradient and parity tests); what this guards is the speed of the models
// that depend on the fast kernels.
func TestConv2DDispatch(t *testing.T) {
	cases := []struct {
		name                 string
		filters, groups, cin int
		dh, dw               int
		depthwise, grouped   bool
	}{
		{"plain", 8, 1, 3, 1, 1, false, false},
		{"plain, one input channel", 8, 1, 1, 1, 1, false, false},
		{"depthwise", 6, 6, 6, 1, 1, true, false},
		{"depthwise, multiplier 2", 12, 6, 6, 1, 1, true, false},
		{"depthwise, dilated", 6, 6, 6, 2, 2, true, false},
		{"grouped", 8, 2, 4, 1, 1, false, true},
		{"dilated rows", 8, 1, 3, 2, 1, false, true},
		{"dilated columns", 8, 1, 3, 1, 2, false, true},
	}
	for _, tc := range cases {
		l := NewConv2D(tc.filters, 3, 3, WithGroups(tc.groups), WithDilation(tc.dh, tc.dw))
		if _, err := l.Build([]int{9, 9, tc.cin}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if l.depthwise != tc.depthwise || l.grouped != tc.grouped {
			t.Errorf("%s: depthwise %v, grouped %v; expected %v, %v", tc.name, l.depthwise, l.grouped, tc.depthwise, tc.grouped)
		}
	}
}

// TestConv2DMaxRows pins the rows per work item: about the engine's block
// pixels (pixels / output width), but at least ceil(effective kernel
// height / stride) rows, so that blocks two apart never read the same input
// row (Backward runs even and odd blocks in two phases and relies on it),
// and at most the output height.
func TestConv2DMaxRows(t *testing.T) {
	cases := []struct {
		name             string
		pixels           int
		kh, sh, dh, size int
		want             int
	}{
		{"block pixels decide", 44, 3, 1, 1, 13, 4},            // 44/11
		{"kernel height decides", 11, 3, 1, 1, 13, 3},          // 11/11 = 1 < 3
		{"stride 2", 11, 3, 2, 1, 13, 2},                       // ceil(3/2)
		{"stride 3", 6, 5, 3, 1, 23, 2},                        // ceil(5/3); 6/9 pixels per row is 0
		{"dilated", 11, 3, 1, 3, 17, 7},                        // effective 7 rows
		{"capped by the output height", 1000, 3, 1, 1, 13, 11}, // oh = 11
	}
	for _, tc := range cases {
		l := NewConv2D(2, tc.kh, tc.kh, WithStrides(tc.sh, 1), WithDilation(tc.dh, 1))
		l.setEngine(testEngine(2, tc.pixels, "im2col"))
		if _, err := l.Build([]int{tc.size, 13, 1}); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if l.maxRows != tc.want {
			t.Errorf("%s: %d rows per item (oh %d, ow %d), expected %d", tc.name, l.maxRows, l.g.oh, l.g.ow, tc.want)
		}
	}
}

// TestConv2DBackwardBlocks pins how Backward cuts one image for five
// workers on the im2col path: into as many blocks as keep every block at
// least ceil(kh/sh) rows high (even and odd blocks run in two phases, which
// is race-free only if blocks two apart share no input row), and no fewer.
func TestConv2DBackwardBlocks(t *testing.T) {
	cases := []struct {
		name               string
		h, kh, sh          int
		wantRows, wantBlks int
	}{
		{"stride 1: 8 rows in 3 blocks of >= 3", 10, 3, 1, 3, 3},
		{"stride 2: 8 rows in 4 blocks of >= 2", 17, 3, 2, 2, 4},
	}
	for _, tc := range cases {
		l := NewConv2D(2, tc.kh, tc.kh, WithStrides(tc.sh, 1))
		l.setEngine(testEngine(5, 1000, "im2col"))
		out, err := l.Build([]int{tc.h, 6, 1})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		l.Init(rand.New(rand.NewSource(1)))
		x := NewTensor(1, tc.h, 6, 1)
		fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
		y := NewTensor(append([]int{1}, out...)...)
		l.Forward(y, x, true)
		dy := NewTensor(y.Shape...)
		fillUniform(dy.Data, 1, rand.New(rand.NewSource(3)))
		l.Backward(NewTensor(x.Shape...), dy, x, y)
		if l.rows != tc.wantRows || l.blocks != tc.wantBlks {
			t.Errorf("%s: Backward cut %d rows × %d blocks, expected %d × %d", tc.name, l.rows, l.blocks, tc.wantRows, tc.wantBlks)
		}
		// With dx and several blocks, even and odd blocks must run in two
		// phases (phase 1 last): in one phase, neighbouring blocks add into
		// the same dx rows at once, a data race no sequential check sees.
		if l.phase != 1 {
			t.Errorf("%s: Backward ended in phase %d, expected the odd-block phase 1", tc.name, l.phase)
		}
	}
}
