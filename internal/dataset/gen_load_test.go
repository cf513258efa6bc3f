package dataset

import (
	"fmt"
	"slices"
	"testing"
)

// A generated stream names its samples "generated image <index>" (what
// the exemplar views show): an endless stream from first on takes first,
// first+1, … in order. A negative first or n panics with both values.
func TestGeneratedIteratorNames(t *testing.T) {
	g := mustGen(t, GenOptions{Seed: 2, Size: 16})
	for _, c := range []struct {
		first int
		want  [][]string
	}{
		{0, [][]string{{"generated image 0", "generated image 1", "generated image 2"}, {"generated image 3", "generated image 4", "generated image 5"}}},
		{10, [][]string{{"generated image 10", "generated image 11", "generated image 12"}, {"generated image 13", "generated image 14", "generated image 15"}}},
	} {
		it := g.Iterator(c.first, 0, 3, false, 1)
		x, y := it.NewBatch()
		for b, want := range c.want {
			if err := it.Next(x, y); err != nil {
				t.Fatal(err)
			}
			if got := it.LastNames(); !slices.Equal(got, want) {
				t.Errorf("first %d, batch %d: names %q, want %q", c.first, b, got, want)
			}
		}
		it.Close()
	}
	for _, c := range []struct{ first, n int }{{-1, 0}, {0, -2}} {
		func() {
			defer func() {
				want := fmt.Sprintf("dataset: Generated.Iterator: first and n must not be negative, received %d and %d", c.first, c.n)
				if r := recover(); fmt.Sprint(r) != want {
					t.Errorf("Iterator(%d, %d): panic %v, want %q", c.first, c.n, r, want)
				}
			}()
			g.Iterator(c.first, c.n, 3, false, 1).Close()
		}()
	}
}
