package nn

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestSplitColumnsRule: which forward passes are cut into blocks of output
// channels (splitColumns), for ResNet-18's shapes at batch 1.
func TestSplitColumnsRule(t *testing.T) {
	defer func(k int) { colItems = k }(colItems)
	colItems = 2 // two blocks per worker (TestColumnItemsBlocks: four)
	for _, tc := range []struct {
		name            string
		in              []int
		filters, k, s   int
		workers, n, cbs int // cbs: column blocks expected (1: row blocks)
	}{
		{"56→28 3x3/2, kernel smaller than patches", []int{56, 56, 64}, 128, 3, 2, 2, 1, 1},
		{"56→28 1x1/2", []int{56, 56, 64}, 128, 1, 2, 2, 1, 1},
		{"28→14 3x3/2", []int{28, 28, 128}, 256, 3, 2, 2, 1, 4},
		{"28→14 1x1/2", []int{28, 28, 128}, 256, 1, 2, 2, 1, 4},
		{"14x14 3x3", []int{14, 14, 256}, 256, 3, 1, 2, 1, 4},
		{"7x7 3x3", []int{7, 7, 512}, 512, 3, 1, 2, 1, 4},
		{"7x7 3x3, one worker", []int{7, 7, 512}, 512, 3, 1, 1, 1, 1},
		{"14→7 3x3/2, batch 2", []int{14, 14, 256}, 512, 3, 2, 2, 2, 2},
		{"14→7 3x3/2, batch 4", []int{14, 14, 256}, 512, 3, 2, 2, 4, 1},
	} {
		l := NewConv2D(tc.filters, tc.k, tc.k, WithStrides(tc.s, tc.s), WithPads(tc.k/2, tc.k/2, tc.k/2, tc.k/2))
		if _, err := l.Build(tc.in); err != nil {
			t.Fatal(err)
		}
		l.setEngine(Engine{Workers: tc.workers})
		l.split(tc.n, 1)
		l.splitColumns(tc.n)
		if l.cb != tc.cbs {
			t.Errorf("%s: %d column blocks of %d, expected %d", tc.name, l.cb, l.cw, tc.cbs)
		}
	}
}

// TestSplitSharedIm2col: column blocks that share one patch matrix
// (split_im2col.go) give the same outputs, bit for bit, as one worker, for
// strided and padded convolutions, batches of 1–3, with and without packed
// kernels, bias and activation.
func TestSplitSharedIm2col(t *testing.T) {
	for _, tc := range []struct {
		in            []int
		filters, k, s int
	}{
		{[]int{14, 14, 32}, 256, 3, 2},
		{[]int{9, 7, 64}, 160, 3, 2},
		{[]int{12, 12, 256}, 192, 1, 2},
		{[]int{5, 5, 64}, 130, 3, 1}, // stride 1 with "same" padding on im2col (direct path off)
	} {
		for _, n := range []int{1, 2, 3} {
			for _, pack := range []bool{false, true} {
				for _, act := range []string{"linear", "relu"} {
					t.Run(fmt.Sprintf("%v/f%d/k%d/s%d/n%d/pack=%v/%s", tc.in, tc.filters, tc.k, tc.s, n, pack, act), func(t *testing.T) {
						l := NewConv2D(tc.filters, tc.k, tc.k, WithStrides(tc.s, tc.s), WithPadding("same"), WithActivation(act), WithUseBias(act == "relu"))
						out, err := l.Build(tc.in)
						if err != nil {
							t.Fatal(err)
						}
						rng := rand.New(rand.NewSource(int64(n)))
						fillUniform(l.kernel.Value, 1, rng)
						if l.bias != nil {
							fillUniform(l.bias.Value, 1, rng)
						}
						x := NewTensor(append([]int{n}, tc.in...)...)
						fillUniform(x.Data, 1, rng)
						want := NewTensor(append([]int{n}, out...)...)
						got := NewTensor(append([]int{n}, out...)...)
						one := Engine{Workers: 1, PackWeights: pack}
						one.opts.convDirectOff = true
						l.setEngine(one)
						l.Forward(want, x, false)
						for _, w := range []int{2, 3} {
							e := one
							e.Workers = w
							l.setEngine(e)
							clear(got.Data)
							l.Forward(got, x, false)
							if !l.sharedIm2col() {
								t.Fatalf("%d workers: not on the shared im2col path (%d column blocks)", w, l.cb)
							}
							for i, v := range got.Data {
								if v != want.Data[i] {
									t.Fatalf("%d workers: y[%d] = %g, one worker %g", w, i, v, want.Data[i])
								}
							}
						}
					})
				}
			}
		}
	}
}

// TestSplitSharedIm2colNoAllocs: the two-loop path allocates nothing once
// its patch matrix exists.
func TestSplitSharedIm2colNoAllocs(t *testing.T) {
	l := NewConv2D(256, 3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1), WithActivation("relu"))
	out, err := l.Build([]int{14, 14, 64})
	if err != nil {
		t.Fatal(err)
	}
	l.setEngine(Engine{Workers: 2, PackWeights: true})
	x, y := NewTensor(1, 14, 14, 64), NewTensor(append([]int{1}, out...)...)
	l.Forward(y, x, false)
	if !l.sharedIm2col() {
		t.Fatalf("not on the shared im2col path (%d column blocks)", l.cb)
	}
	if a := testing.AllocsPerRun(20, func() { l.Forward(y, x, false) }); a != 0 {
		t.Errorf("%v allocations per Forward, expected 0", a)
	}
}
