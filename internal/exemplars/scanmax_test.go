package exemplars

import (
	"math/rand"
	"testing"

	"github.com/convscope/convscope/nn"
)

// scan and scanPooled agree with a plain row-major scan, ties (many equal
// values, as ReLU zeros give) and odd left-over rows and columns included;
// scanPooled's firstPooled agrees with the previous search, firstEqual,
// with and without the pooling's block maxima.
func TestScanTies(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	for _, tc := range []struct{ h, w, c, levels int }{
		{5, 7, 8, 3}, {6, 6, 16, 2}, {15, 15, 8, 4}, {33, 9, 3, 3}, {1, 40, 8, 2}, {7, 3, 8, 100},
		{4, 70, 2, 2}, {6, 101, 3, 3}, {3, 100, 8, 40}, // pooled rows of several scan blocks
	} {
		for range 20 {
			data := make([]float32, tc.h*tc.w*tc.c)
			for i := range data {
				data[i] = float32(rng.Intn(tc.levels))
			}
			want := make([]int, tc.c)
			wantV := make([]float32, tc.c)
			for ch := range tc.c {
				wantV[ch] = data[ch]
				for q := range tc.h * tc.w {
					if v := data[q*tc.c+ch]; v > wantV[ch] {
						wantV[ch], want[ch] = v, q
					}
				}
			}
			var plain sampleMax
			plain.scan(data, tc.c)
			ph, pw := tc.h/2, tc.w/2
			var pooled, m sampleMax
			if ph > 0 && pw > 0 {
				pool := make([]float32, ph*pw*tc.c)
				for y := range ph {
					for x := range pw {
						for ch := range tc.c {
							v := data[((2*y)*tc.w+2*x)*tc.c+ch]
							for _, d := range [][2]int{{0, 1}, {1, 0}, {1, 1}} {
								v = max(v, data[((2*y+d[0])*tc.w+2*x+d[1])*tc.c+ch])
							}
							pool[(y*pw+x)*tc.c+ch] = v
						}
					}
				}
				pooled.scan(pool, tc.c)
				m.scanPooled(data, tc.h, tc.w, tc.c, &pooled, pool, ph, pw)
				legacyFirst = true
				var old sampleMax
				old.scanPooled(data, tc.h, tc.w, tc.c, &pooled, pool, ph, pw)
				legacyFirst = false
				pooled.blocks = false // a pooling found by scanPooled: no block maxima
				var noBlocks sampleMax
				noBlocks.scanPooled(data, tc.h, tc.w, tc.c, &pooled, pool, ph, pw)
				for ch := range tc.c {
					if old.arg[ch] != m.arg[ch] || noBlocks.arg[ch] != m.arg[ch] {
						t.Fatalf("%+v ch %d: firstPooled %d (%d without block maxima), firstEqual %d", tc, ch, m.arg[ch], noBlocks.arg[ch], old.arg[ch])
					}
				}
			}
			for ch := range tc.c {
				if plain.maxv[ch] != wantV[ch] || plain.arg[ch] != want[ch] {
					t.Fatalf("%+v ch %d: scan %g at %d, want %g at %d", tc, ch, plain.maxv[ch], plain.arg[ch], wantV[ch], want[ch])
				}
				if ph > 0 && pw > 0 && (m.maxv[ch] != wantV[ch] || m.arg[ch] != want[ch]) {
					t.Fatalf("%+v ch %d: scanPooled %g at %d, want %g at %d", tc, ch, m.maxv[ch], m.arg[ch], wantV[ch], want[ch])
				}
			}
		}
	}
}

// fromMaxima agrees with a plain row-major scan given block maxima laid
// out as nn.Sequential.PoolMaxima's (rows × blocks of nn.PoolMaxBlock ×
// channels): ties (few levels, as ReLU zeros give), rows of one block and
// of several with a short last block, channel counts on and off the AVX2
// path.
func TestFromMaximaTies(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for _, tc := range []struct{ h, w, c, levels int }{
		{1, 1, 8, 2}, {3, 5, 8, 3}, {7, 16, 3, 2}, {9, 37, 32, 4}, {4, 74, 8, 3}, {17, 17, 16, 50}, {2, 33, 5, 2},
	} {
		nb := (tc.w + nn.PoolMaxBlock - 1) / nn.PoolMaxBlock
		for range 20 {
			data := make([]float32, tc.h*tc.w*tc.c)
			for i := range data {
				data[i] = float32(rng.Intn(tc.levels))
			}
			bm := make([]float32, tc.h*nb*tc.c)
			for y := range tc.h {
				for b := range nb {
					for ch := range tc.c {
						v := data[(y*tc.w+b*nn.PoolMaxBlock)*tc.c+ch]
						for x := b * nn.PoolMaxBlock; x < min((b+1)*nn.PoolMaxBlock, tc.w); x++ {
							v = max(v, data[(y*tc.w+x)*tc.c+ch])
						}
						bm[((y*nb)+b)*tc.c+ch] = v
					}
				}
			}
			var plain, m sampleMax
			plain.scan(data, tc.c)
			m.fromMaxima(data, bm, tc.w, tc.c, nb)
			for ch := range tc.c {
				if m.maxv[ch] != plain.maxv[ch] || m.arg[ch] != plain.arg[ch] {
					t.Fatalf("%+v ch %d: fromMaxima %g at %d, scan %g at %d", tc, ch, m.maxv[ch], m.arg[ch], plain.maxv[ch], plain.arg[ch])
				}
			}
		}
	}
}
