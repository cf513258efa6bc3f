package main

import (
	"image"
	"testing"
)

func TestDraw(t *testing.T) {
	for _, size := range []int{32, 96} {
		img := Draw(size)
		if img.Rect != image.Rect(0, 0, size, size) {
			t.Fatalf("bounds %v", img.Rect)
		}
		if a := img.NRGBAAt(0, 0).A; a != 0 {
			t.Errorf("size %d: corner alpha %d, want transparent", size, a)
		}
		if a := img.NRGBAAt(size/2, size/2).A; a != 255 {
			t.Errorf("size %d: centre alpha %d, want opaque", size, a)
		}
		// The middle tile (two blobs) is bright somewhere: viridis' yellow end.
		bright := false
		for y := size * 4 / 10; y < size*6/10; y++ {
			for x := size * 4 / 10; x < size*6/10; x++ {
				if c := img.NRGBAAt(x, y); c.R > 150 && c.G > 150 {
					bright = true
				}
			}
		}
		if !bright {
			t.Errorf("size %d: middle tile has no bright pixels", size)
		}
	}
}

func TestRoundRect(t *testing.T) {
	for _, tc := range []struct{ x, y, d float64 }{
		{5, 5, -5},                       // centre of a 10×10 square with r 2: 5 from each edge
		{0, 5, 0},                        // on the left edge
		{-3, 5, 3},                       // outside
		{0, 0, 2*1.4142135623730951 - 2}, // corner: distance to the arc
	} {
		if d := roundRect(tc.x, tc.y, 0, 0, 10, 10, 2); d < tc.d-1e-9 || d > tc.d+1e-9 {
			t.Errorf("roundRect(%v, %v) = %v, want %v", tc.x, tc.y, d, tc.d)
		}
	}
}
