package dataset

import "math"

// sdf is the signed distance from local point (u, v) to the element's
// outline: negative inside. Formulas after Inigo Quilez's 2D distance
// functions, restated.
func (e *element) sdf(u, v float64) float64 {
	r := e.r
	switch e.kind {
	case kindCircle, kindDot:
		return math.Hypot(u, v) - r
	case kindSquare:
		return sdBox(u, v, 0.886*r, 0.886*r) // the area of a circle of radius r
	case kindCross:
		return min(sdBox(u, v, 0.95*r, e.p), sdBox(u, v, e.p, 0.95*r))
	case kindTriangle:
		return sdTriangle(u, v, 1.05*r)
	case kindStar:
		return sdStar5(u, v, 1.05*r, e.p)
	case kindLine:
		return math.Hypot(max(math.Abs(u)-r, 0), v) - e.p/2
	}
	return 1
}

// sdBox is the distance to an axis-aligned box of half-sizes (bx, by).
func sdBox(u, v, bx, by float64) float64 {
	qx, qy := math.Abs(u)-bx, math.Abs(v)-by
	return math.Hypot(max(qx, 0), max(qy, 0)) + min(max(qx, qy), 0)
}

// sdTriangle is the distance to an equilateral triangle of side 2h centred
// on its centroid, one vertex pointing along -v.
func sdTriangle(u, v, h float64) float64 {
	const k = 1.7320508075688772 // √3
	u = math.Abs(u) - h
	v = -v + h/k
	if u+k*v > 0 {
		u, v = (u-k*v)/2, (-k*u-v)/2
	}
	u -= min(max(u, -2*h), 0)
	d := math.Hypot(u, v)
	if v > 0 {
		return -d
	}
	return d
}

// sdStar5 is the distance to a five-pointed star of outer radius r whose
// inner vertices are at rf·r.
func sdStar5(u, v, r, rf float64) float64 {
	const k1x, k1y = 0.809016994375, -0.587785252292 // (cos 36°, -sin 36°)
	const k2x, k2y = -k1x, k1y
	v = -v // a point up
	u = math.Abs(u)
	if t := k1x*u + k1y*v; t > 0 {
		u, v = u-2*t*k1x, v-2*t*k1y
	}
	if t := k2x*u + k2y*v; t > 0 {
		u, v = u-2*t*k2x, v-2*t*k2y
	}
	u = math.Abs(u)
	v -= r
	bax, bay := rf*(-k1y), rf*k1x-1
	h := min(max((u*bax+v*bay)/(bax*bax+bay*bay), 0), r)
	d := math.Hypot(u-bax*h, v-bay*h)
	if v*bax-u*bay < 0 {
		return -d
	}
	return d
}
