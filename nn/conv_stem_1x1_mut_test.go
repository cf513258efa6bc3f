package nn

import "testing"

// TestStrided1x1OK pins which 1×1 convolutions take the 1×1 strided path:
// a stride above 1 in either direction, no pad on any side, output rows of
// at least strided1x1MinWidth pixels (the path gives im2col's outputs bit
// for bit, so only this choice can tell them apart).
func TestStrided1x1OK(t *testing.T) {
	for _, tc := range []struct {
		name   string
		w      int
		sh, sw int
		pads   [4]int
		want   bool
	}{
		{name: "stride 2", w: 28, sh: 2, sw: 2, want: true},
		{name: "stride 1", w: 28, sh: 1, sw: 1},
		{name: "strides 2, 1", w: 28, sh: 2, sw: 1, want: true},
		{name: "strides 1, 2", w: 28, sh: 1, sw: 2, want: true},
		{name: "pads top and left", w: 28, sh: 2, sw: 2, pads: [4]int{1, 1, 0, 0}},
		{name: "pads bottom and right", w: 28, sh: 2, sw: 2, pads: [4]int{0, 0, 1, 1}},
		{name: "pads left and bottom", w: 28, sh: 2, sw: 2, pads: [4]int{0, 1, 1, 0}},
		{name: "13-pixel rows", w: 26, sh: 2, sw: 2},
		{name: "14-pixel rows", w: 27, sh: 2, sw: 2, want: true},
	} {
		c := NewConv2D(16, 1, 1, WithStrides(tc.sh, tc.sw), WithPads(tc.pads[0], tc.pads[1], tc.pads[2], tc.pads[3]))
		if _, err := c.Build([]int{8, tc.w, 16}); err != nil {
			t.Fatal(err)
		}
		c.setEngine(Engine{})
		if got := c.strided1x1OK(); got != tc.want {
			t.Errorf("%s: strided1x1OK = %v, expected %v", tc.name, got, tc.want)
		}
	}
}
