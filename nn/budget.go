package nn

import "fmt"

// MaxParams bounds the parameters of one layer, and of a whole Sequential
// model, that Build allocates: 2²⁸ (268,435,456) float32 values, 1 GiB, almost
// twice VGG-19's 143.7 million. Training keeps three or four copies
// (weights, gradients, optimizer state), so a model at the limit already
// needs several GiB. An architecture typed by hand ("filters": 1000000000)
// or a head option (--dense 1000000000) is refused with an error instead of
// making Build allocate gigabytes and the runtime abort; model files are
// bounded by the values they hold as well (checkArchSize).
const MaxParams = 1 << 28

// checkParams returns an error naming the layer kind when n, a layer's or a
// model's parameter count (a float64: a product of absurd sizes overflows
// int), exceeds MaxParams.
func checkParams(kind string, n float64) error {
	if n > MaxParams {
		return fmt.Errorf("%s: too large: expected at most %d parameters, received %.0f", kind, MaxParams, n)
	}
	return nil
}
