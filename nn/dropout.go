package nn

import (
	"fmt"
	"math/rand/v2"
)

// Dropout zeroes a random fraction rate of its inputs while training and
// scales the rest by 1/(1 - rate) ("inverted dropout"), so inference is the
// identity; as keras.layers.Dropout (noise_shape=None):
//
//	training:  y = x · m / (1 - rate),  m ~ Bernoulli(1 - rate) per value
//	inference: y = x
//
// The random stream is seeded through the Seeder interface (Sequential.Init
// seeds every layer), so a fixed seed gives the same masks. The last
// training mask is kept for Backward: dx = dy · m / (1 - rate).
type Dropout struct {
	named
	rate float64
	err  error

	in   []int
	mask []float32 // per value: 0 or 1/(1-rate), from the last training Forward
	src  *rand.PCG // the stream's state, saved in checkpoints (RandState)
	rng  *rand.Rand
}

// NewDropout returns a Dropout layer that drops the given fraction of its
// inputs while training (Keras: Dropout(rate)), 0 <= rate < 1. Option:
// WithName.
func NewDropout(rate float64, opts ...Option) *Dropout {
	o, err := applyOptions("Dropout", options{}, 0, opts)
	d := &Dropout{rate: rate, err: err}
	d.name = o.name
	return d
}

// Kind returns "Dropout".
func (d *Dropout) Kind() string { return "Dropout" }

func (d *Dropout) check() error {
	if d.err != nil {
		return d.err
	}
	if !(d.rate >= 0 && d.rate < 1) {
		return fmt.Errorf("Dropout: expected rate in [0, 1), received %g", d.rate)
	}
	return nil
}

// Build accepts any input shape and returns it unchanged.
func (d *Dropout) Build(in []int) ([]int, error) {
	if err := d.check(); err != nil {
		return nil, err
	}
	d.in = append([]int(nil), in...)
	return d.in, nil
}

// Seed restarts the layer's random stream.
func (d *Dropout) Seed(seed int64) {
	d.src = rand.NewPCG(uint64(seed), 0x6c8e9cf570932bd5)
	d.rng = rand.New(d.src)
}

// RandState returns the state of the layer's random stream, so that a
// resumed training run draws the masks the uninterrupted one would.
func (d *Dropout) RandState() ([]byte, error) {
	if d.src == nil {
		d.Seed(0)
	}
	return d.src.MarshalBinary()
}

// SetRandState restores a state returned by RandState.
func (d *Dropout) SetRandState(b []byte) error {
	if d.src == nil {
		d.Seed(0)
	}
	if err := d.src.UnmarshalBinary(b); err != nil {
		return fmt.Errorf("nn: %s: random state: %w", d.name, err)
	}
	return nil
}

// Params returns nil.
func (d *Dropout) Params() []*Param { return nil }

// Config returns the Keras config (rate).
func (d *Dropout) Config() LayerConfig {
	return LayerConfig{ClassName: "Dropout", Name: d.name, Rate: d.rate}
}

// Forward applies a fresh mask when training and copies x otherwise.
func (d *Dropout) Forward(y, x *Tensor, training bool) {
	n := x.Batch()
	checkTensor("Dropout", "input", x, n, d.in)
	checkTensor("Dropout", "output", y, n, d.in)
	if !training || d.rate == 0 {
		copy(y.Data, x.Data)
		d.mask = d.mask[:0]
		return
	}
	if d.rng == nil {
		d.Seed(0)
	}
	if cap(d.mask) < len(x.Data) {
		d.mask = make([]float32, len(x.Data))
	}
	d.mask = d.mask[:len(x.Data)]
	scale := float32(1 / (1 - d.rate))
	for i, v := range x.Data {
		m := float32(0)
		if d.rng.Float64() >= d.rate {
			m = scale
		}
		d.mask[i] = m
		y.Data[i] = v * m
	}
}

// Backward computes dx = dy · mask (dy itself when the last Forward did not
// drop anything).
func (d *Dropout) Backward(dx, dy, x, y *Tensor) {
	if dx == nil {
		return
	}
	n := dy.Batch()
	checkTensor("Dropout", "output gradient", dy, n, d.in)
	checkTensor("Dropout", "input gradient", dx, n, d.in)
	if len(d.mask) == 0 {
		copy(dx.Data, dy.Data)
		return
	}
	if len(d.mask) != len(dy.Data) {
		panic("nn: Dropout: Backward needs a Forward with training=true on the same batch")
	}
	for i, m := range d.mask {
		dx.Data[i] = dy.Data[i] * m
	}
}
