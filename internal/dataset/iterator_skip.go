package dataset

import (
	"errors"
	"fmt"
)

// SkipSamples makes the iterator start n samples into its sequence, where
// an iterator made with the same arguments stands after yielding n samples.
// A resumed training run (nn.FitConfig.Resume) calls it so that it sees the
// batches the uninterrupted run would have seen; nothing is decoded for
// the skipped samples. It implements nn.SampleSkipper and must be called
// before the first Next.
//
// Files that failed to decode during the earlier run are not known yet, so
// if there were any the positions after them shift by as many samples.
func (it *Iterator) SkipSamples(n int64) error {
	switch {
	case n < 0:
		return fmt.Errorf("dataset: SkipSamples: expected a non-negative count, received %d", n)
	case it.started:
		return errors.New("dataset: SkipSamples must be called before the first Next")
	}
	it.skipN = n
	return nil
}
