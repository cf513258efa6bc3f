package dataset

import (
	"fmt"
	"sync/atomic"
	"testing"
)

// countLoader serves n 2×2 grayscale samples (every pixel = the sample's
// index) and counts how often each is decoded; n = 0 is an endless stream.
type countLoader struct {
	n     int
	loads atomic.Int64
}

func (l *countLoader) count() int        { return l.n }
func (l *countLoader) class(i int) int   { return i % 2 }
func (l *countLoader) name(i int) string { return fmt.Sprintf("sample %d", i) }
func (l *countLoader) load(_ *workspace, i int, dst []uint8) error {
	l.loads.Add(1)
	for p := range dst {
		dst[p] = uint8(i)
	}
	return nil
}

// TestIteratorCache: a dataset is decoded once and then served from memory
// exactly when all of it fits in CacheBytes (n·H·W·C bytes, equality
// included); otherwise, with the cache off (negative), or for an endless
// stream, every sample is decoded each time it is drawn, and the pixels
// are the same either way.
func TestIteratorCache(t *testing.T) {
	const sample = 2 * 2 * 1 // bytes per sample
	cases := []struct {
		name   string
		n      int
		budget int64
		cached bool
	}{
		{"fits exactly", 5, 5 * sample, true},
		{"fits", 5, 1 << 20, true},
		{"one byte short", 5, 5*sample - 1, false},
		{"cache off", 5, -1, false},
		{"endless stream", 0, 1 << 20, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, err := Options{Height: 2, Width: 2, ColorMode: Grayscale, ClassMode: Sparse, Workers: 1, CacheBytes: tc.budget}.withDefaults()
			if err != nil {
				t.Fatal(err)
			}
			src := &countLoader{n: tc.n}
			it := newIterator(src, o, 2, 5, false, 1)
			defer it.Close()
			x, y := it.NewBatch()
			const passes = 3
			for pass := range passes {
				if err := it.Next(x, y); err != nil {
					t.Fatal(err)
				}
				for s := range 5 {
					want := float32(s) * o.Rescale // in order, no shuffling; endless: 5·pass + s
					if tc.n == 0 {
						want = float32(5*pass+s) * o.Rescale
					}
					if got := x.Data[s*sample]; got != want {
						t.Fatalf("pass %d, sample %d: pixel %g, expected %g", pass, s, got, want)
					}
				}
			}
			loads := src.loads.Load()
			if tc.cached && loads != int64(tc.n) {
				t.Errorf("%d decodes for %d samples over %d passes, expected each decoded once", loads, tc.n, passes)
			}
			if !tc.cached && loads < passes*5 {
				t.Errorf("%d decodes over %d passes of 5 samples, expected every draw decoded", loads, passes)
			}
		})
	}
}

// TestIteratorPrefetch: the ring holds two batches, and at least four
// samples per worker.
func TestIteratorPrefetch(t *testing.T) {
	cases := []struct{ batch, workers, want int }{
		{20, 2, 40},
		{2, 4, 16},
		{3, 1, 6},
	}
	for _, tc := range cases {
		o, err := Options{Height: 2, Width: 2, Workers: tc.workers}.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		it := newIterator(&countLoader{n: 4}, o, 2, tc.batch, false, 1)
		if got := it.Prefetch(); got != tc.want {
			t.Errorf("batch %d, %d workers: Prefetch %d, expected %d", tc.batch, tc.workers, got, tc.want)
		}
		it.Close()
	}
}

// TestIteratorStepsPerEpoch: ⌈Len/batch⌉ batches cover one pass (Keras'
// len(DirectoryIterator)); an endless stream has 0.
func TestIteratorStepsPerEpoch(t *testing.T) {
	cases := []struct{ n, batch, want int }{
		{6, 3, 2}, {5, 3, 2}, {7, 3, 3}, {1, 20, 1}, {40, 20, 2}, {0, 20, 0},
	}
	for _, tc := range cases {
		it := newIterator(&countLoader{n: tc.n}, Options{Height: 2, Width: 2}, 2, tc.batch, false, 1)
		if got := it.StepsPerEpoch(); got != tc.want {
			t.Errorf("%d samples, batch %d: %d steps, expected %d", tc.n, tc.batch, got, tc.want)
		}
		if got := it.Len(); got != tc.n {
			t.Errorf("Len %d, expected %d", got, tc.n)
		}
	}
}
