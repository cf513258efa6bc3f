package dataset

import "math"

// Background textures.
const (
	bgGradient = iota // linear ramp between two colours
	bgStripes         // parallel bands, soft or hard
	bgChecker         // rotated checkerboard
	bgClouds          // smooth value noise
	bgPolka           // rotated lattice of dots
	bgKinds
)

// background is a two-colour texture over the whole image.
type background struct {
	kind     int
	c1, c2   [3]float64
	cos, sin float64 // texture orientation
	period   float64 // stripes, checker cells, dot spacing, ramp length
	phase    float64
	sharp    float64 // stripes: 1 soft … 6 nearly hard
	dot      float64 // polka: dot radius as a fraction of the period
	cells    int     // clouds: grid cells per side
	size     float64 // image size, pixels
	grid     [10 * 10]float64
}

// plan draws the texture; light chooses light (else dark) colours.
func (b *background) plan(s *scene, light bool) {
	S := float64(s.size)
	b.size = S
	b.kind = s.intn(bgKinds)
	b.c1 = s.bandColor(light)
	b.c2 = s.bandColor(light)
	// The texture is fainter than the shape: its second colour only goes
	// part of the way from the first towards the one drawn.
	tc := s.uniform(0.15, 0.25+0.5*s.difficulty)
	for i := range b.c2 {
		b.c2[i] = b.c1[i] + (b.c2[i]-b.c1[i])*tc
	}
	a := s.uniform(0, 2*math.Pi)
	b.cos, b.sin = math.Cos(a), math.Sin(a)
	b.period = s.uniform(0.04, 0.12) * S
	b.phase = s.uniform(0, 2*math.Pi)
	b.sharp = s.uniform(1, 6)
	b.dot = s.uniform(0.15, 0.35)
	b.cells = 2 + s.intn(7)
	for i := range b.grid {
		b.grid[i] = s.uniform(0, 1)
	}
	if b.kind == bgGradient {
		b.period = s.uniform(0.6, 1.5) * S
	}
}

// at is the background colour at (px, py).
func (b *background) at(px, py float64) [3]float64 {
	u := px*b.cos + py*b.sin
	v := -px*b.sin + py*b.cos
	var t float64
	switch b.kind {
	case bgGradient:
		m := math.Mod(u/b.period+b.phase, 2)
		if m < 0 {
			m += 2
		}
		t = math.Abs(m - 1) // a back-and-forth ramp, without jumps
	case bgStripes:
		t = 0.5 + 0.5*math.Sin(2*math.Pi*u/b.period+b.phase)
		t = min(max((t-0.5)*b.sharp+0.5, 0), 1)
	case bgChecker:
		if (int(math.Floor(u/b.period))+int(math.Floor(v/b.period)))&1 == 0 {
			t = 1
		}
	case bgClouds:
		t = b.clouds(px, py)
	case bgPolka:
		fu := u/b.period - math.Floor(u/b.period) - 0.5
		fv := v/b.period - math.Floor(v/b.period) - 0.5
		t = min(max((b.dot-math.Hypot(fu, fv))*b.period+0.5, 0), 1)
	}
	return [3]float64{
		b.c1[0] + (b.c2[0]-b.c1[0])*t,
		b.c1[1] + (b.c2[1]-b.c1[1])*t,
		b.c1[2] + (b.c2[2]-b.c1[2])*t,
	}
}

// clouds is smoothly interpolated value noise over a cells×cells grid
// spanning the image (the grid is not rotated).
func (b *background) clouds(px, py float64) float64 {
	n := b.cells
	scale := float64(n) / b.size
	gx, gy := px*scale, py*scale
	ix, iy := min(int(gx), n-1), min(int(gy), n-1)
	fx, fy := gx-float64(ix), gy-float64(iy)
	fx, fy = fx*fx*(3-2*fx), fy*fy*(3-2*fy)
	g := func(i, j int) float64 { return b.grid[j*10+i] }
	top := g(ix, iy) + (g(ix+1, iy)-g(ix, iy))*fx
	bot := g(ix, iy+1) + (g(ix+1, iy+1)-g(ix, iy+1))*fx
	return top + (bot-top)*fy
}
