package nn

import (
	"math"
	"math/rand"
	"testing"
)

// TestStridedOKJunkTenth pins the strided path's junk limit at its
// boundary: 3×3/2 with pads 1 on 18 columns has 10 product rows per 9
// output pixels (exactly a tenth of junk: taken), on 16 columns 9 per 8
// (more: im2col).
func TestStridedOKJunkTenth(t *testing.T) {
	for _, tc := range []struct {
		w    int
		want bool
	}{{18, true}, {16, false}} {
		c := NewConv2D(16, 3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1))
		if _, err := c.Build([]int{8, tc.w, 16}); err != nil {
			t.Fatal(err)
		}
		c.setEngine(Engine{})
		if got := c.stridedOK(); got != tc.want {
			t.Errorf("%d columns: stridedOK = %v, expected %v", tc.w, got, tc.want)
		}
	}
}

// TestStridedBatchChange runs a convolution on the strided path with a
// batch of 1, then 2, then 2 again: the padded copy of the input grows
// with the batch (each sample's output is the batch-of-1 output, bit for
// bit), and once it is large enough, calls allocate nothing.
func TestStridedBatchChange(t *testing.T) {
	c := NewConv2D(32, 3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1))
	if _, err := c.Build([]int{18, 18, 16}); err != nil {
		t.Fatal(err)
	}
	fillUniform(c.kernel.Value, 0.3, rand.New(rand.NewSource(1)))
	c.setEngine(Engine{Workers: 1})
	x := NewTensor(2, 18, 18, 16)
	fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
	per := len(x.Data) / 2
	var ones [][]float32
	for s := 0; s < 2; s++ {
		x1 := NewTensor(1, 18, 18, 16)
		copy(x1.Data, x.Data[s*per:])
		y1 := NewTensor(1, 9, 9, 32)
		c.Forward(y1, x1, false)
		ones = append(ones, y1.Data)
	}
	if !c.stridedOK() {
		t.Fatal("the convolution did not take the strided path")
	}
	y := NewTensor(2, 9, 9, 32)
	if winoPanics(func() { c.Forward(y, x, false) }) {
		t.Fatal("Forward panicked on a larger batch")
	}
	for s := 0; s < 2; s++ {
		for i, v := range ones[s] {
			if g := y.Data[s*len(ones[s])+i]; math.Float32bits(g) != math.Float32bits(v) {
				t.Fatalf("sample %d, output %d = %g in a batch of 2, %g alone", s, i, g, v)
			}
		}
	}
	if a := testing.AllocsPerRun(5, func() { c.Forward(y, x, false) }); a != 0 {
		t.Errorf("Forward allocated %v times, expected 0", a)
	}
}
