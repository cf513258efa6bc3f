package dataset

import "math"

// Colours are RGB in [0, 1]. Lightness is judged by luma (0.299, 0.587,
// 0.114), as grayscale conversion sees it, not by HSV value: a saturated
// blue of full value is dark.

// luma is the ITU-R 601 luma of c.
func lumaF(c [3]float64) float64 { return 0.299*c[0] + 0.587*c[1] + 0.114*c[2] }

// hsv converts hue in [0, 1), saturation and value in [0, 1] to RGB.
func hsv(h, s, v float64) [3]float64 {
	h6 := h * 6
	i := math.Floor(h6)
	f := h6 - i
	p, q, t := v*(1-s), v*(1-s*f), v*(1-s*(1-f))
	switch int(i) % 6 {
	case 0:
		return [3]float64{v, t, p}
	case 1:
		return [3]float64{q, v, p}
	case 2:
		return [3]float64{p, v, t}
	case 3:
		return [3]float64{p, q, v}
	case 4:
		return [3]float64{t, p, v}
	}
	return [3]float64{v, p, q}
}

// anyColor is a random colour.
func (s *scene) anyColor() [3]float64 {
	return hsv(s.uniform(0, 1), s.uniform(0, 1), s.uniform(0, 1))
}

// bandColor is a random colour with luma at least 0.58 (light) or at most
// 0.42 (dark).
func (s *scene) bandColor(light bool) [3]float64 {
	for range 32 {
		c := hsv(s.uniform(0, 1), s.uniform(0, 0.85), s.uniform(0, 1))
		if l := lumaF(c); light && l >= 0.58 || !light && l <= 0.42 {
			return c
		}
	}
	if light {
		return [3]float64{0.8, 0.8, 0.8}
	}
	return [3]float64{0.2, 0.2, 0.2}
}

// contrasting is a random colour whose luma is at least gap beyond both
// background colours, on the other side of them: dark on a light
// background, light on a dark one.
func (s *scene) contrasting(light bool, gap float64) [3]float64 {
	l1, l2 := lumaF(s.bg.c1), lumaF(s.bg.c2)
	for range 32 {
		c := hsv(s.uniform(0, 1), s.uniform(0, 1), s.uniform(0, 1))
		l := lumaF(c)
		if light && l <= min(l1, l2)-gap || !light && l >= max(l1, l2)+gap {
			return c
		}
	}
	if light {
		return [3]float64{0, 0, 0}
	}
	return [3]float64{1, 1, 1}
}
