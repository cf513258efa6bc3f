package model

import (
	"fmt"

	"github.com/convscope/convscope/nn"
)

// MaxBatchValues bounds batch × the values one training sample holds in a
// network: its input, every layer's output and, while training, their
// gradients (2³¹ float32 values, 8 GiB). Keras and PyTorch let an absurd
// batch size run out of memory (ResourceExhaustedError, "CUDA out of
// memory"); here that would be the Go runtime aborting, so the batch is
// checked before any batch buffer is allocated.
const MaxBatchValues = 1 << 31

// SampleValues estimates the float32 values one training sample holds in
// net: its input and every layer's output, twice (their gradients).
func SampleValues(net *nn.Sequential) int64 {
	n := int64(1)
	for _, d := range net.InputShape() {
		n *= int64(d)
	}
	for i := range net.Layers() {
		s := int64(1)
		for _, d := range net.LayerOutputShape(i) {
			s *= int64(d)
		}
		n += s
	}
	return 2 * n
}

// CheckBatch returns an error unless batch samples fit MaxBatchValues for
// net ("expected at most N, received M").
func CheckBatch(net *nn.Sequential, batch int) error {
	most := MaxBatchValues / max(SampleValues(net), 1)
	if int64(batch) > most {
		return fmt.Errorf("batch size: expected at most %d images for this model (it holds about %d values per image while training; at most %d in all), received %d", most, SampleValues(net), int64(MaxBatchValues), batch)
	}
	return nil
}
