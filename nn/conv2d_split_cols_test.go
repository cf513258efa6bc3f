package nn

import (
	"math/rand"
	"testing"
)

// TestColumnItemsMatch checks that cutting the deep layers into four
// column blocks per worker instead of two (colItems) changes no output
// bit — each output column gets the same products in the same order, only
// another work item computes it — on a 224×224 ResNet-18 (padded direct
// path, strided path and shared im2col with column blocks, residual Adds)
// and on resFusionNet, with Forward and Predict; and that the blocks did
// get narrower.
func TestColumnItemsMatch(t *testing.T) {
	defer func(k int) { colItems = k }(colItems)
	for _, tc := range []struct {
		name  string
		build func(testing.TB) *Graph
	}{{"resnet18", func(t testing.TB) *Graph { return resNet18(t, false) }}, {"residual", resFusionNet}} {
		g := tc.build(t)
		g.SetEngine(Engine{Workers: 2, PackWeights: true})
		x := NewTensor(append([]int{1}, g.InputShape()...)...)
		fillUniform(x.Data, 1, rand.New(rand.NewSource(3)))
		colItems = 2
		want := forwardBits(g, x)
		blocks := columnBlocks(g)
		wantP := append([]float32(nil), g.Predict(x).Data...)
		colItems = 4
		got := forwardBits(g, x)
		for i, n := range g.order {
			if !bitEqual(got[i], want[i]) {
				t.Fatalf("%s: %s differs with 4 column blocks per worker", tc.name, n.name)
			}
		}
		if !bitEqual(g.Predict(x).Data, wantP) {
			t.Fatalf("%s: Predict differs with 4 column blocks per worker", tc.name)
		}
		if more := columnBlocks(g); more <= blocks {
			t.Fatalf("%s: %d column blocks in all with colItems 4, %d with 2", tc.name, more, blocks)
		}
	}
}

// columnBlocks returns the number of column blocks of g's convolutions
// for one image (as Forward cuts them).
func columnBlocks(g *Graph) int {
	total := 0
	for _, n := range g.order {
		if c, ok := n.layer.(*Conv2D); ok {
			c.split(1, 1)
			c.splitColumns(1)
			total += c.cb
		}
	}
	return total
}

// TestColumnItemsBlocks pins splitColumns' blocks with colItems = 4 (the
// default), worked out by hand: cw = max(32, ⌈filters / ⌈4w/n⌉⌉ rounded
// up to 32), cb = ⌈filters/cw⌉ (TestSplitColumnsBlocks pins the rest of
// the rule with two blocks per worker).
func TestColumnItemsBlocks(t *testing.T) {
	defer func(k int) { colItems = k }(colItems)
	colItems = 4
	for _, tc := range []struct {
		name               string
		in                 []int
		filters, k, s      int
		workers, n, cb, cw int
	}{
		{"7x7 512: ⌈512/8⌉ = 64", []int{7, 7, 512}, 512, 3, 1, 2, 1, 8, 64},
		{"14x14 256: 32", []int{14, 14, 256}, 256, 3, 1, 2, 1, 8, 32},
		{"28→14 3x3/2: 32", []int{28, 28, 128}, 256, 3, 2, 2, 1, 8, 32},
		{"batch 2: ⌈512/4⌉ = 128", []int{7, 7, 64}, 512, 3, 1, 2, 2, 4, 128},
		{"batch 3: ⌈200/3⌉ = 67 → 96", []int{4, 4, 64}, 200, 3, 1, 2, 3, 3, 96},
		{"385 filters: ⌈385/8⌉ = 49 → 64", []int{3, 3, 256}, 385, 3, 1, 2, 1, 7, 64},
		{"130 filters: ⌈130/8⌉ = 17 → 32", []int{5, 5, 64}, 130, 3, 1, 2, 1, 5, 32},
		{"3 workers, batch 5: ⌈512/3⌉ = 171 → 192", []int{2, 2, 64}, 512, 3, 1, 3, 5, 3, 192},
		{"one worker", []int{7, 7, 512}, 512, 3, 1, 1, 1, 1, 512},
		{"56→28 3x3/2: row blocks", []int{56, 56, 64}, 128, 3, 2, 2, 1, 1, 128},
	} {
		l := NewConv2D(tc.filters, tc.k, tc.k, WithStrides(tc.s, tc.s), WithPads(tc.k/2, tc.k/2, tc.k/2, tc.k/2))
		if _, err := l.Build(tc.in); err != nil {
			t.Fatal(err)
		}
		l.setEngine(Engine{Workers: tc.workers})
		l.split(tc.n, 1)
		l.splitColumns(tc.n)
		if l.cb != tc.cb || l.cw != tc.cw {
			t.Errorf("%s: %d blocks of %d channels, expected %d of %d", tc.name, l.cb, l.cw, tc.cb, tc.cw)
		}
	}
}
