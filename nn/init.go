package nn

import "math"

// glorotUniform fills w with draws from U(-limit, limit), limit =
// sqrt(6 / (fan_in + fan_out)): Keras' default kernel initializer
// (keras.initializers.GlorotUniform; Glorot & Bengio 2010). Keras takes, for
// a Dense kernel (in, out), fan_in = in and fan_out = out, and for a Conv2D
// kernel (kh, kw, cin, cout), fan_in = kh·kw·cin and fan_out = kh·kw·cout.
// Values are drawn in w's row-major order.
func glorotUniform(w []float32, fanIn, fanOut int, rng Rand) {
	limit := math.Sqrt(6 / float64(fanIn+fanOut))
	for i := range w {
		w[i] = float32((2*rng.Float64() - 1) * limit)
	}
}
