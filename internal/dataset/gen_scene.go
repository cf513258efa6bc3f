package dataset

import (
	"image"
	"math"
	"math/rand/v2"
)

// shapeKind indexes AllShapes; the distractor kinds follow.
type shapeKind int

const (
	kindCircle shapeKind = iota
	kindCross
	kindSquare
	kindStar
	kindTriangle
	kindDot  // distractor: small disc
	kindLine // distractor: short thin stroke
)

// element is one thing drawn: a class shape, a distractor or an occluder.
type element struct {
	kind     shapeKind
	cx, cy   float64 // centre, pixels
	cos, sin float64 // rotation
	ax, ay   float64 // aspect: local axes stretched by these
	r        float64 // size: radius, half side, half length…
	p        float64 // shape parameter: cross arm half-width, star inner ratio, line width
	stroke   float64 // outline width, 0 for filled
	col      [3]float64
	x0, y0   int // bounding box, pixels, inclusive
	x1, y1   int
}

// scene is everything random about one image, drawn from the generator's
// stream for (seed, index) in a fixed order, so that nothing but the shape
// kind depends on the class.
type scene struct {
	size  int
	rng   rand.PCG
	bg    background
	under [6]element // distractors, under the shape
	nu    int
	shape element
	over  element // occluder, over the shape
	hasOv bool
	noise float64 // Gaussian noise σ, 8-bit levels

	difficulty float64
}

// uniform returns a float64 in [lo, hi).
func (s *scene) uniform(lo, hi float64) float64 {
	return lo + (hi-lo)*float64(s.rng.Uint64()>>11)/(1<<53)
}

// intn returns an int in [0, n).
func (s *scene) intn(n int) int { return int(s.rng.Uint64() % uint64(n)) }

// plan draws the scene of image index with shape kind.
func (s *scene) plan(seed int64, index int, kind shapeKind, size int, d float64) {
	s.size, s.difficulty = size, d
	s.rng.Seed(uint64(seed), uint64(index))
	S := float64(size)
	light := s.intn(2) == 0 // background polarity
	minContrast := 0.32 - 0.14*d
	s.bg.plan(s, light)

	// The class shape.
	r := s.uniform(S*(0.2-0.06*d), S*0.30)
	e := &s.shape
	e.kind = kind
	s.place(e, r, 0.7)
	jit := 0.12 * d
	e.ax, e.ay = s.uniform(1-jit, 1+jit), s.uniform(1-jit, 1+jit)
	e.stroke = 0
	if s.uniform(0, 1) < 0.25 {
		e.stroke = max(2, s.uniform(0.12, 0.3)*r)
	}
	switch kind {
	case kindCross:
		e.p = s.uniform(0.22, 0.34) * r
	case kindStar:
		e.p = s.uniform(0.45, 0.6)
	default:
		s.uniform(0, 1) // keep the stream aligned across classes
	}
	e.col = s.contrasting(light, minContrast)
	e.bound()

	// Distractors: dots and short strokes, below the shape, any colour.
	s.nu = s.intn(int(math.Round(4*d)) + 1)
	for k := range s.nu {
		u := &s.under[k]
		if s.intn(2) == 0 {
			u.kind = kindDot
			s.place(u, s.uniform(1.5, 1.5+0.04*S), 0)
		} else {
			u.kind = kindLine
			s.place(u, s.uniform(0.03, 0.09)*S, 0)
			u.p = s.uniform(1, 2.2)
		}
		u.ax, u.ay, u.stroke = 1, 1, 0
		u.col = s.anyColor()
		if s.intn(3) == 0 {
			u.col = e.col // the shape's colour is no giveaway either
		}
		u.bound()
	}

	// An occluding blob over part of the shape's outline.
	s.hasOv = s.uniform(0, 1) < 0.1+0.3*d
	if s.hasOv {
		o := &s.over
		o.kind = kindCircle
		a := s.uniform(0, 2*math.Pi)
		dist := s.uniform(0.7, 1.1) * r
		o.r = s.uniform(0.25, 0.3+0.2*d) * r
		o.cx, o.cy = e.cx+dist*math.Cos(a), e.cy+dist*math.Sin(a)
		rot := s.uniform(0, math.Pi)
		o.cos, o.sin = math.Cos(rot), math.Sin(rot)
		o.ax, o.ay = s.uniform(0.7, 1.3), s.uniform(0.7, 1.3)
		o.stroke = 0
		o.col = s.anyColor()
		o.bound()
	}
	s.noise = s.uniform(1, 2+16*d)
}

// place sets a random rotation and a centre that keeps at least keep·r of
// the element's radius inside the image.
func (s *scene) place(e *element, r, keep float64) {
	S := float64(s.size)
	e.r = r
	m := min(keep*r, S/2)
	e.cx, e.cy = s.uniform(m, S-m), s.uniform(m, S-m)
	a := s.uniform(0, 2*math.Pi)
	e.cos, e.sin = math.Cos(a), math.Sin(a)
}

// bound sets the element's pixel bounding box (generously): the farthest
// outline point is a square's corner, 0.886·√2·r ≈ 1.253·r from the centre
// (a triangle's vertex 1.212·r, a star's tip 1.05·r), stretched by at most
// max(ax, ay); then half the stroke and a pixel of antialiasing.
func (e *element) bound() {
	ext := 1.3*e.r*max(e.ax, e.ay) + e.stroke + e.p + 2
	e.x0, e.y0 = int(e.cx-ext), int(e.cy-ext)
	e.x1, e.y1 = int(e.cx+ext)+1, int(e.cy+ext)+1
}

// render draws the scene into dst (size×size).
func (s *scene) render(dst *image.RGBA) {
	n := s.size
	for y := range n {
		row := dst.Pix[y*dst.Stride : y*dst.Stride+4*n]
		py := float64(y) + 0.5
		for x := range n {
			px := float64(x) + 0.5
			c := s.bg.at(px, py)
			for k := range s.nu {
				c = s.under[k].blend(c, x, y, px, py)
			}
			c = s.shape.blend(c, x, y, px, py)
			if s.hasOv {
				c = s.over.blend(c, x, y, px, py)
			}
			p := row[4*x : 4*x+4]
			p[0] = s.noisy(c[0])
			p[1] = s.noisy(c[1])
			p[2] = s.noisy(c[2])
			p[3] = 255
		}
	}
}

// noisy adds approximately Gaussian noise (the sum of four uniforms, σ =
// s.noise) to v in [0, 1] and converts it to 8 bits.
func (s *scene) noisy(v float64) uint8 {
	u := s.rng.Uint64()
	sum := float64(u&0xFFFF+u>>16&0xFFFF+u>>32&0xFFFF+u>>48) / 65535 // mean 2, variance 1/3
	out := v*255 + (sum-2)*1.7320508075688772*s.noise + 0.5
	return uint8(min(max(out, 0), 255))
}

// blend composites e over colour c at pixel (x, y), centre (px, py).
func (e *element) blend(c [3]float64, x, y int, px, py float64) [3]float64 {
	if x < e.x0 || x > e.x1 || y < e.y0 || y > e.y1 {
		return c
	}
	cov := e.coverage(px, py)
	if cov <= 0 {
		return c
	}
	for i := range c {
		c[i] += (e.col[i] - c[i]) * cov
	}
	return c
}

// coverage is the fraction of the pixel centred at (px, py) inside e, from
// its signed distance: one pixel of antialiasing.
func (e *element) coverage(px, py float64) float64 {
	dx, dy := px-e.cx, py-e.cy
	u := (dx*e.cos + dy*e.sin) / e.ax
	v := (-dx*e.sin + dy*e.cos) / e.ay
	d := e.sdf(u, v) * min(e.ax, e.ay)
	if e.stroke > 0 {
		d = math.Abs(d) - e.stroke/2
	}
	return min(max(0.5-d, 0), 1)
}
