package nn

import (
	"math"
)

// sigmoidf is σ(x) = 1/(1 + e⁻ˣ) in float32 arithmetic: 0 below -87.3
// (where σ(x) < 1.2e-38, the smallest normal float32), 1 above 88.7, NaN
// for NaN.
func sigmoidf(x float32) float32 {
	return 1 / (1 + expf(-x))
}

// expf is eˣ in float32 arithmetic, within 2 ulps of the exact value for
// normal results (Cephes' expf: Moshier, "Methods and Programs for
// Mathematical Functions", 1989): x = n·ln 2 + r with |r| ≤ ln(2)/2 (ln 2
// split in two parts so that n·ln 2 is exact), eʳ from its degree-7 minimax
// polynomial, then scaled by 2ⁿ through the exponent bits. Results below
// the smallest normal float32 (x < -87.33) are 0, above the largest
// (x > 88.72) +Inf; NaN stays NaN.
func expf(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		ln2Hi = 0.693359375
		ln2Lo = -2.12194440e-4
	)
	switch {
	case x > 88.7228391:
		return float32(math.Inf(1))
	case x < -87.3365448:
		return 0
	case x != x:
		return x
	}
	t := x*log2e + 0.5
	n := int32(t)
	if float32(n) > t { // floor for negative t
		n--
	}
	fn := float32(n)
	r := x - fn*ln2Hi
	r -= fn * ln2Lo
	z := r * r
	p := ((((1.9875691500e-4*r+1.3981999507e-3)*r+8.3334519073e-3)*r+4.1665795894e-2)*r+1.6666665459e-1)*r + 5.0000001201e-1
	p = p*z + r + 1
	// n ∈ [-126, 128]: 2¹²⁸ is no float32, so scale by 2·2ⁿ⁻¹ there.
	if n > 127 {
		return p * 2 * math.Float32frombits(uint32(n-1+127)<<23)
	}
	return p * math.Float32frombits(uint32(n+127)<<23)
}
