package nn

import (
	"testing"
	"time"
)

// TestSplitColumnsBlocks pins splitColumns' column blocks, worked out by
// hand from its rule: with w workers and n < 2w images of p = n·oh·ow ≤
// 1024 pixels and filters ≥ max(128, p), blocks of cw = max(64, ⌈filters /
// ⌈2w/n⌉⌉ rounded up to 32) channels, cb = ⌈filters/cw⌉ of them; otherwise
// one block of all filters (row blocks). A single image whose convolution
// is estimated under parallelMinWork is one item: all rows, one block.
func TestSplitColumnsBlocks(t *testing.T) {
	defer func(k int) { colItems = k }(colItems)
	colItems = 2 // the rule with two blocks per worker (TestColumnItemsBlocks: four)
	for _, tc := range []struct {
		name                 string
		in                   []int
		filters, k, s        int
		groups, workers, n   int
		cb, cw, rows, blocks int // rows, blocks: checked when > 0
	}{
		{"7x7, 4 blocks of 128", []int{7, 7, 64}, 512, 3, 1, 1, 2, 1, 4, 128, 0, 0},
		{"batch 2: 2 blocks of 256", []int{7, 7, 64}, 512, 3, 1, 1, 2, 2, 2, 256, 0, 0},
		{"batch 3: ⌈200/2⌉ = 100 → 128", []int{4, 4, 64}, 200, 3, 1, 1, 2, 3, 2, 128, 0, 0},
		{"385 filters: ⌈385/4⌉ = 97 → 128", []int{3, 3, 256}, 385, 3, 1, 1, 2, 1, 4, 128, 0, 0},
		{"130 filters: ⌈130/4⌉ = 33 → 64", []int{5, 5, 64}, 130, 3, 1, 1, 2, 1, 3, 64, 0, 0},
		{"128 filters, 9 pixels: 32 → at least 64", []int{3, 3, 256}, 128, 3, 1, 1, 2, 1, 2, 64, 0, 0},
		{"127 filters: row blocks", []int{3, 3, 256}, 127, 3, 1, 1, 2, 1, 1, 127, 0, 0},
		{"exactly 1024 pixels", []int{32, 32, 16}, 1024, 3, 1, 1, 2, 1, 4, 256, 0, 0},
		{"1089 pixels: row blocks", []int{33, 33, 16}, 1089, 3, 1, 1, 2, 1, 1, 1089, 0, 0},
		{"filters = pixels = 256", []int{16, 16, 32}, 256, 3, 1, 1, 2, 1, 4, 64, 0, 0},
		{"filters 255 < pixels 256", []int{16, 16, 32}, 255, 3, 1, 1, 2, 1, 1, 255, 0, 0},
		{"3 workers, batch 5 < 6", []int{2, 2, 64}, 512, 3, 1, 1, 3, 5, 2, 256, 0, 0},
		{"3 workers, batch 6", []int{2, 2, 64}, 512, 3, 1, 1, 3, 6, 1, 512, 0, 0},
		{"one worker", []int{7, 7, 64}, 512, 3, 1, 1, 1, 1, 1, 512, 0, 0},
		{"grouped", []int{7, 7, 64}, 512, 3, 1, 2, 2, 1, 1, 512, 0, 0},
		{"depthwise", []int{7, 7, 512}, 512, 3, 1, 512, 2, 1, 1, 512, 0, 0},
		{"small work: one item", []int{32, 32, 1}, 8, 1, 1, 1, 2, 1, 1, 8, 32, 1},
		{"work exactly 20 µs (1.4M MACs): row blocks", []int{10, 10, 140}, 100, 1, 1, 1, 2, 1, 1, 100, 5, 2},
		{"small work, batch 2: row blocks", []int{32, 32, 1}, 8, 1, 1, 1, 2, 2, 1, 8, 8, 4},
	} {
		l := NewConv2D(tc.filters, tc.k, tc.k, WithStrides(tc.s, tc.s), WithPadding("same"), WithGroups(tc.groups))
		if _, err := l.Build(tc.in); err != nil {
			t.Fatal(err)
		}
		l.setEngine(Engine{Workers: tc.workers})
		l.split(tc.n, 1)
		l.splitColumns(tc.n)
		if l.cb != tc.cb || l.cw != tc.cw {
			t.Errorf("%s: %d blocks of %d channels, expected %d of %d", tc.name, l.cb, l.cw, tc.cb, tc.cw)
		}
		if tc.rows > 0 && (l.rows != tc.rows || l.blocks != tc.blocks) {
			t.Errorf("%s: %d blocks of %d rows, expected %d of %d", tc.name, l.blocks, l.rows, tc.blocks, tc.rows)
		}
	}
}

// TestConv2DForwardWork pins forwardWork: output pixels · filters · k
// multiply-adds at 70 a nanosecond (15 for the depthwise kernel).
func TestConv2DForwardWork(t *testing.T) {
	for _, tc := range []struct {
		name string
		l    *Conv2D
		in   []int
		want time.Duration
	}{
		// 10·10·16·72 = 115200 MACs / 70 = 1645 ns
		{"3x3 8→16", NewConv2D(16, 3, 3, WithPadding("same")), []int{10, 10, 8}, 1645},
		// 5·5·32·(3·3·8) = 57600 / 70 = 822
		{"3x3/2 8→32", NewConv2D(32, 3, 3, WithStrides(2, 2), WithPadding("same")), []int{10, 10, 8}, 822},
		// depthwise: 10·10·8·9 = 7200 / 15 = 480
		{"depthwise 3x3", NewConv2D(8, 3, 3, WithPadding("same"), WithGroups(8)), []int{10, 10, 8}, 480},
	} {
		if _, err := tc.l.Build(tc.in); err != nil {
			t.Fatal(err)
		}
		if got := tc.l.forwardWork(); got != tc.want {
			t.Errorf("%s: forwardWork %v, expected %v", tc.name, got, tc.want)
		}
	}
}
