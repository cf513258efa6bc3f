package dataset

import (
	"strings"
	"testing"
)

// A negative skip is refused with one clear line, and leaves the iterator
// usable from its start; skipping 0 is allowed (and skips nothing).
func TestIteratorSkipSamplesNegative(t *testing.T) {
	f := idFolder(t, 2, 3, Options{})
	for _, c := range []struct {
		n       int64
		wantErr string
	}{
		{-1, "dataset: SkipSamples: expected a non-negative count, received -1"},
		{-7, "received -7"},
		{0, ""},
	} {
		it := f.Iterator(2, false, 1)
		err := it.SkipSamples(c.n)
		switch {
		case c.wantErr == "" && err != nil:
			t.Errorf("SkipSamples(%d): %v", c.n, err)
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("SkipSamples(%d) = %v, want %q", c.n, err, c.wantErr)
		}
		if got := stream(t, it, 1, 3); got[0] != 0 || got[1] != 1 || got[2] != 2 {
			t.Errorf("after SkipSamples(%d): %v, want the first samples [0 1 2]", c.n, got)
		}
		it.Close()
	}
}
