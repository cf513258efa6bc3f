package dataset

import (
	"fmt"
	"image"
	"math/rand/v2"
	"testing"
)

// sceneCases are scenes of every shape kind at several sizes and
// difficulties: shapes large and small, outlined and filled, stretched,
// with distractors and occluders, many of them cut by the image's edges.
func sceneCases(each func(name string, s *scene)) {
	for _, c := range []struct {
		size int
		d    float64
	}{{16, 1}, {23, 0.3}, {33, 0.75}, {64, 1}, {150, 0.05}, {150, 1}} {
		n := 10
		if c.size == 150 {
			n = 1
		}
		for i := range n {
			for kind := kindCircle; kind <= kindTriangle; kind++ {
				var s scene
				s.plan(int64(c.size)-3, i, kind, c.size, c.d)
				each(fmt.Sprintf("size %d, difficulty %v, image %d, kind %d", c.size, c.d, i, kind), &s)
			}
		}
	}
}

// elements lists what the scene draws, in drawing order.
func (s *scene) elements() []*element {
	var els []*element
	for k := range s.nu {
		els = append(els, &s.under[k])
	}
	els = append(els, &s.shape)
	if s.hasOv {
		els = append(els, &s.over)
	}
	return els
}

// Every pixel an element covers at all lies inside its bounding box, which
// blend uses to skip the rest: a box too small would cut shapes off. The
// pixels in a ring 3 wide on either side of the box's edge are checked
// (clipped to the image for scenes); a shape is connected, so one crossing
// the box's edge covers a pixel next to it. Besides the scenes, elements
// made by hand: a square turned 45° puts its corner 0.886·√2·r ≈ 1.253·r
// from the centre, beyond 1.25·r — the box's old factor, which cut off the
// corners of large squares (r ≥ ~300, images of 1,000 pixels and more).
func TestElementBoxHoldsCoverage(t *testing.T) {
	const c45 = 0.7071067811865476
	checked := 0
	ring := func(name string, e *element, lo, hi int) {
		for y := max(e.y0-3, lo); y <= min(e.y1+3, hi); y++ {
			for x := max(e.x0-3, lo); x <= min(e.x1+3, hi); x++ {
				if x > e.x0+3 && x < e.x1-3 && y > e.y0+3 && y < e.y1-3 {
					x = e.x1 - 4 // skip the inside
					continue
				}
				cov := e.coverage(float64(x)+0.5, float64(y)+0.5)
				if cov <= 0 {
					continue
				}
				checked++
				if x < e.x0 || x > e.x1 || y < e.y0 || y > e.y1 {
					t.Fatalf("%s (kind %d): pixel (%d, %d) has coverage %v outside the box (%d, %d)–(%d, %d)",
						name, e.kind, x, y, cov, e.x0, e.y0, e.x1, e.y1)
				}
			}
		}
	}
	for _, e := range []element{
		{kind: kindSquare, cx: 4000.3, cy: 4000.7, cos: c45, sin: c45, ax: 1, ay: 1, r: 3000},
		{kind: kindSquare, cx: 4000.6, cy: 4000.2, cos: c45, sin: -c45, ax: 1.12, ay: 0.9, r: 500},
		{kind: kindTriangle, cx: 3000.5, cy: 3000.5, cos: 1, ax: 1, ay: 1, r: 2000},
		{kind: kindStar, cx: 3000.5, cy: 3000.5, cos: 1, ax: 1.12, ay: 1.12, r: 2000, p: 0.6},
		{kind: kindCross, cx: 3000.5, cy: 3000.5, cos: c45, sin: c45, ax: 1, ay: 1, r: 2000, p: 680},
		{kind: kindCircle, cx: 10.2, cy: 10.9, cos: 1, ax: 1.3, ay: 0.7, r: 0.5},
	} {
		e.bound()
		ring(fmt.Sprintf("%+v", e), &e, -1<<20, 1<<20)
	}
	sceneCases(func(name string, s *scene) {
		for k, e := range s.elements() {
			ring(fmt.Sprintf("%s, element %d", name, k), e, 0, s.size-1)
		}
	})
	if checked == 0 {
		t.Fatal("no covered pixel checked")
	}
}

// blend applies an element's coverage at every pixel of its box, the edge
// rows and columns included: a tiny, stretched blob (an occluder of a small
// shape) just inside the image's left or top edge has a box that starts at
// 0 (int truncates the negative left edge towards 0) and covers part of
// pixel 0.
func TestBlendAtBoxEdges(t *testing.T) {
	for _, c := range []struct {
		e    element
		x, y int
	}{
		{element{kind: kindCircle, cx: 2, cy: 10.5, cos: 1, ax: 1.3, ay: 0.7, r: 0.5}, 0, 10},
		{element{kind: kindCircle, cx: 10.5, cy: 2, cos: 0, sin: 1, ax: 1.3, ay: 0.7, r: 0.5}, 10, 0},
	} {
		e := c.e
		e.col = [3]float64{1, 0.5, 0}
		e.bound()
		px, py := float64(c.x)+0.5, float64(c.y)+0.5
		cov := e.coverage(px, py)
		if cov <= 0 || (c.x != e.x0 && c.y != e.y0) {
			t.Fatalf("%+v: pixel (%d, %d) coverage %v, box (%d, %d): the case no longer tests the box's edge", e, c.x, c.y, cov, e.x0, e.y0)
		}
		bg := [3]float64{0, 0.25, 1}
		got := e.blend(bg, c.x, c.y, px, py)
		for i := range bg {
			if want := bg[i] + (e.col[i]-bg[i])*cov; got[i] != want {
				t.Errorf("%+v: blend at (%d, %d) = %v, want %v blended by %v", e, c.x, c.y, got, bg, cov)
				break
			}
		}
	}
}

// render gives, pixel for pixel, the composite of every element over the
// background computed without bounding boxes (each element's coverage at
// every pixel), with the same noise stream.
func TestRenderMatchesUnboxedComposite(t *testing.T) {
	sceneCases(func(name string, s *scene) {
		n := s.size
		want := make([]uint8, 4*n*n)
		ref := *s // its own copy of the noise stream
		for y := range n {
			for x := range n {
				px, py := float64(x)+0.5, float64(y)+0.5
				c := ref.bg.at(px, py)
				for _, e := range ref.elements() {
					if cov := e.coverage(px, py); cov > 0 {
						for i := range c {
							c[i] += (e.col[i] - c[i]) * cov
						}
					}
				}
				p := want[4*(y*n+x):]
				p[0], p[1], p[2], p[3] = ref.noisy(c[0]), ref.noisy(c[1]), ref.noisy(c[2]), 255
			}
		}
		dst := image.NewRGBA(image.Rect(0, 0, n, n))
		s.render(dst)
		for i := range want {
			if dst.Pix[i] != want[i] {
				t.Fatalf("%s: pixel (%d, %d) channel %d = %d, unboxed composite %d", name, i/4%n, i/4/n, i%4, dst.Pix[i], want[i])
			}
		}
	})
}

// A shape is outlined when a uniform draw is below 0.25, and occluded when
// one is below 0.1 + 0.3·difficulty (0.25 at difficulty 0.5): a draw of
// exactly the threshold does neither. The (seed, index) pairs put such a
// draw there: found by running PCG backwards from a state whose output is
// 2⁶² + 1 (uniform exactly 0.25) the number of draws plan makes before
// that decision. The test checks that the stream's draw is exactly 0.25,
// then what plan made of it.
func TestScenePlanThresholdDraws(t *testing.T) {
	for _, c := range []struct {
		name         string
		seed         int64
		index        int
		draw         int // the decision's draw, counting from 1 after seeding
		stroke, over bool
	}{
		{"outline", 688950227575017727, 7094537442083375493, 122, false, false},
		{"occluder", -1781403110880045917, 3247384686408491784, 131, false, false},
	} {
		p := rand.NewPCG(uint64(c.seed), uint64(c.index))
		for range c.draw - 1 {
			p.Uint64()
		}
		if u := p.Uint64(); u>>11 != 1<<51 {
			t.Fatalf("%s: draw %d is %#x, not 0.25: the case no longer tests the threshold", c.name, c.draw, u)
		}
		var s scene
		s.plan(c.seed, c.index, kindSquare, 64, 0.5)
		if got := s.shape.stroke > 0; got != c.stroke {
			t.Errorf("%s: outlined %v (stroke %v), want %v", c.name, got, s.shape.stroke, c.stroke)
		}
		if s.hasOv != c.over {
			t.Errorf("%s: occluded %v, want %v", c.name, s.hasOv, c.over)
		}
	}
}
