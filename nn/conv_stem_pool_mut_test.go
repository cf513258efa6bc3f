package nn

import (
	"math/rand"
	"slices"
	"testing"
)

// TestStemPoolNarrowMap: 3×3 max poolings over convolution outputs only
// 1 or 2 columns wide, or with two columns of left padding: the columns
// whose windows the padding cuts (pool3Cols' [0, a) and [b, ow)) and the
// kernel's between them. Over 2 columns unpadded on the left, the single
// window reaches into the right padding, so no column may take the 3-wide
// kernel (w + pl < 3 gives b = a; computing b there would give
// (2 - 3)/2 + 1 = 1, truncated towards zero, and the kernel would read a
// third column past the row). Predict's fused pass must give Forward's
// output bit for bit.
func TestStemPoolNarrowMap(t *testing.T) {
	if !useSIMD || !useStemAVX512 {
		t.Skip("no AVX-512: the stem kernel and the 3×3 pool path are off")
	}
	for _, tc := range []struct {
		h, w, ps int
		pp       [4]int
		a, b     int
	}{
		{6, 2, 2, [4]int{0, 0, 1, 1}, 0, 0},
		{9, 2, 2, [4]int{0, 0, 1, 1}, 0, 0},
		// One output column, its window cut by the left padding: a = ow
		// and no column takes the kernel.
		{5, 1, 2, [4]int{1, 1, 1, 1}, 1, 1},
		// Two left padding columns at stride 1: two columns before the
		// kernel's.
		{7, 8, 1, [4]int{1, 2, 1, 2}, 2, 8},
		// w + pl = 3 exactly, with and without left padding: the one
		// window wholly inside takes the kernel.
		{6, 3, 2, [4]int{0, 0, 0, 0}, 0, 1},
		{6, 3, 1, [4]int{1, 1, 1, 1}, 1, 2},
	} {
		g := stemPoolNet(t, tc.h, tc.w, 16, 1, 1, 0, tc.ps, tc.pp, "relu", true, false)
		if a, b := pool3Cols(&g.order[1].layer.(*MaxPooling2D).g); a != tc.a || b != tc.b {
			t.Fatalf("%dx%d pool/%d %v: pool3Cols = %d, %d, expected %d, %d", tc.h, tc.w, tc.ps, tc.pp, a, b, tc.a, tc.b)
		}
		for _, workers := range []int{1, 2} {
			g.SetEngine(Engine{Workers: workers, PackWeights: true})
			for _, batch := range []int{1, 2} {
				x := NewTensor(batch, tc.h, tc.w, 3)
				fillUniform(x.Data, 1, rand.New(rand.NewSource(int64(tc.h))))
				want := forwardBits(g, x)
				got := g.Predict(x)
				if !g.order[0].leanRan {
					t.Fatal("not fused")
				}
				if !bitEqual(got.Data, want[len(want)-1]) {
					t.Fatalf("%dx%d pool/%d %v workers=%d batch %d: Predict's output differs from Forward's", tc.h, tc.w, tc.ps, tc.pp, workers, batch)
				}
			}
		}
	}
}

// TestStemPoolPredictFirst: Predict on fresh graphs, before any Forward,
// so the fused pass sizes its scratch buffers (the padded input rows, the
// kernel's tail tile, the ring, the zero bias of a convolution without
// one) itself rather than reusing Forward's; then Forward must give the
// same output bit for bit.
func TestStemPoolPredictFirst(t *testing.T) {
	if !useSIMD || !useStemAVX512 {
		t.Skip("no AVX-512: the stem kernel and the 3×3 pool path are off")
	}
	for _, tc := range []struct {
		h, w, f, k, cs, cp int
		bias               bool
	}{
		{64, 64, 64, 7, 2, 3, true}, {37, 29, 64, 7, 2, 3, true}, {23, 26, 16, 3, 1, 1, true}, {30, 31, 48, 5, 2, 2, true},
		{37, 29, 64, 7, 2, 3, false}, {23, 26, 16, 3, 1, 1, false},
		// Stride 3 over 72 columns: the kernel's 2 tiles of 12 read 72
		// padded columns, fewer than w + pl = 73, so the padded row width
		// is w + pl.
		{20, 72, 16, 3, 3, 1, true},
	} {
		for _, workers := range []int{1, 2} {
			g := stemPoolNet(t, tc.h, tc.w, tc.f, tc.k, tc.cs, tc.cp, 2, [4]int{1, 1, 1, 1}, "relu", tc.bias, false)
			g.SetEngine(Engine{Workers: workers, PackWeights: true})
			x := NewTensor(2, tc.h, tc.w, 3)
			fillUniform(x.Data, 1, rand.New(rand.NewSource(int64(tc.w))))
			got := slices.Clone(g.Predict(x).Data)
			if !g.order[0].leanRan {
				t.Fatal("not fused")
			}
			want := forwardBits(g, x)
			if !bitEqual(got, want[len(want)-1]) {
				t.Fatalf("%+v workers=%d: Predict's output differs from Forward's", tc, workers)
			}
		}
	}
}
