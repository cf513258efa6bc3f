package colormap

import "math"

// turbo is Google's Turbo rainbow map (Mikhailov 2019, "Turbo, An Improved
// Rainbow Colormap for Visualization", Google AI blog), built from the
// blog's published degree-5 polynomial approximation rather than the
// original table: r, g, b = p(t) for t = i/255, clamped to [0, 1]. It is
// the jet-like map explanation tools default to (pytorch-grad-cam and the
// Keras Grad-CAM example use jet), without jet's false bands and dark ends.
var turboLUT = func() *[256][4]uint8 {
	var lut [256][4]uint8
	poly := func(t float64, c [6]float64) uint8 {
		v := c[0] + t*(c[1]+t*(c[2]+t*(c[3]+t*(c[4]+t*c[5]))))
		return uint8(math.Round(255 * min(1, max(0, v))))
	}
	for i := range lut {
		t := float64(i) / 255
		lut[i] = [4]uint8{
			poly(t, [6]float64{0.13572138, 4.61539260, -42.66032258, 132.13108234, -152.94239396, 59.28637943}),
			poly(t, [6]float64{0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604}),
			poly(t, [6]float64{0.10667330, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973}),
			255,
		}
	}
	return &lut
}()

func init() {
	registry = append(registry, &Map{Name: "turbo", Kind: Sequential,
		Description: "rainbow blue–green–yellow–red (Google's Turbo), the jet-like map of heat-map overlays",
		Source:      "Turbo polynomial approximation (Mikhailov 2019)", lut: turboLUT})
}
