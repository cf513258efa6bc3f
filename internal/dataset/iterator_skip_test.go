package dataset

import (
	"reflect"
	"testing"
)

// An iterator told to skip n samples yields what a fresh one yields after
// its first n, within a pass, across passes and for the endless generated
// stream.
func TestIteratorSkipSamples(t *testing.T) {
	f := idFolder(t, 2, 5, Options{})
	for _, shuffle := range []bool{false, true} {
		ref := f.Iterator(3, shuffle, 7)
		want := stream(t, ref, 1, 60)
		ref.Close()
		for _, n := range []int{0, 1, 4, 10, 13, 29, 40} {
			it := f.Iterator(3, shuffle, 7)
			if err := it.SkipSamples(int64(n)); err != nil {
				t.Fatal(err)
			}
			if got := stream(t, it, 1, 20); !reflect.DeepEqual(got, want[n:n+20]) {
				t.Errorf("shuffle %v, skip %d: %v\nwant %v", shuffle, n, got, want[n:n+20])
			}
			if err := it.SkipSamples(1); err == nil {
				t.Error("SkipSamples after Next succeeded")
			}
			it.Close()
		}
	}
	if err := f.Iterator(3, true, 1).SkipSamples(-1); err == nil {
		t.Error("SkipSamples(-1) succeeded")
	}

	g, err := NewGenerated(GenOptions{Classes: BinaryShapes, Seed: 3, Size: 16, ClassMode: Binary})
	if err != nil {
		t.Fatal(err)
	}
	ref := g.Iterator(0, 0, 4, false, 3)
	defer ref.Close()
	x, y := ref.NewBatch()
	for range 3 {
		if err := ref.Next(x, y); err != nil {
			t.Fatal(err)
		}
	}
	it := g.Iterator(0, 0, 4, false, 3)
	defer it.Close()
	if err := it.SkipSamples(8); err != nil {
		t.Fatal(err)
	}
	x2, y2 := it.NewBatch()
	if err := it.Next(x2, y2); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(x.Data, x2.Data) || !reflect.DeepEqual(y.Data, y2.Data) {
		t.Error("generated stream: the batch after skipping 8 samples differs from the third batch")
	}
}
