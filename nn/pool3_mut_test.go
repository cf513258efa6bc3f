package nn

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestMaxPool3RowBlocks runs the 3×3 path where a sample is cut into
// several blocks of several output rows (pool.go: rows = 4096/(ow·c)), and
// with pads 2 (two pixels per row on the general loop before the assembly's),
// 2 samples, on 1 and 2 workers, against refMaxPool: each work item must
// map to its own sample and rows (item / blocks, item % blocks · rows),
// and every output row be written once.
func TestMaxPool3RowBlocks(t *testing.T) {
	for _, tc := range []struct{ h, w, c, sh, pad int }{
		{33, 31, 64, 2, 1},  // 4 rows × 5 blocks
		{20, 9, 128, 1, 1},  // stride 1: 3 rows × 7 blocks
		{13, 33, 16, 2, 1},  // 1 block of 7 rows
		{34, 17, 128, 2, 1}, // 3 rows × 6 blocks
		{66, 257, 8, 2, 1},  // 3 rows × 11 blocks
		{45, 511, 8, 2, 1},  // 2 rows × 12 blocks
		{12, 9, 8, 1, 2},    // pads 2, stride 1: two pixels left of the assembly's
	} {
		for _, workers := range []int{1, 2} {
			t.Run(fmt.Sprintf("%dx%dx%d/s%d/p%d/w%d", tc.h, tc.w, tc.c, tc.sh, tc.pad, workers), func(t *testing.T) {
				l := NewMaxPooling2D(3, 3, WithStrides(tc.sh, tc.sh), WithPads(tc.pad, tc.pad, tc.pad, tc.pad))
				out, err := l.Build([]int{tc.h, tc.w, tc.c})
				if err != nil {
					t.Fatal(err)
				}
				l.setEngine(Engine{Workers: workers})
				x := NewTensor(2, tc.h, tc.w, tc.c)
				fillUniform(x.Data, 1, rand.New(rand.NewSource(3)))
				y := NewTensor(2, out[0], out[1], tc.c)
				for i := range y.Data {
					y.Data[i] = 42
				}
				l.Forward(y, x, false)
				if useSIMD && !l.pool3() {
					t.Fatal("expected the 3×3 path")
				}
				per := tc.h * tc.w * tc.c
				for n := 0; n < 2; n++ {
					want := refMaxPool(x.Data[n*per:(n+1)*per], tc.h, tc.w, tc.c, &l.g)
					got := y.Data[n*len(want) : (n+1)*len(want)]
					for i, v := range want {
						if got[i] != v {
							t.Fatalf("sample %d, output %d (row %d): %v, expected %v (%d rows × %d blocks)", n, i, i/(out[1]*tc.c), got[i], v, l.rows, l.blocks)
						}
					}
				}
			})
		}
	}
}

// TestMaxPool3NarrowImage pools a 3×2 image padded on the right only
// (w + pl = 2 < 3) with column stride 2: no window lies wholly inside the
// columns, so every pixel takes the general loop (with stride 2, Go's
// truncating division would make (w + pl - 3)/sw + 1 = 1 pixel for the
// assembly). The assembly must not run on pixel 0: it would read a third
// column, the next row's first pixel (and, on the last row, the next
// sample's), which is larger here.
func TestMaxPool3NarrowImage(t *testing.T) {
	l := NewMaxPooling2D(3, 3, WithStrides(1, 2), WithPads(0, 0, 0, 1))
	out, err := l.Build([]int{3, 2, 8})
	if err != nil {
		t.Fatal(err)
	}
	if out[0] != 1 || out[1] != 1 {
		t.Fatalf("output %v, expected 1×1", out)
	}
	x, y := NewTensor(2, 3, 2, 8), NewTensor(2, 1, 1, 8)
	for i := range x.Data {
		x.Data[i] = float32(i / 8) // pixel index: rows grow, the last pixel of sample 0 is 5
	}
	l.Forward(y, x, false)
	for i, v := range y.Data {
		if want := float32(5 + 6*(i/8)); v != want {
			t.Fatalf("y[%d] = %v, expected %v", i, v, want)
		}
	}
}
