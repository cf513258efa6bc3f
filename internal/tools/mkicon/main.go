// Command mkicon draws Convscope's application icon: a 3×3 grid of rounded
// tiles, each a viridis-coloured "feature map" (a blob, edges, stripes,
// rings…), on a dark rounded square.
//
//	go run ./internal/tools/mkicon -out assets/icon.png
//
// Shapes are anti-aliased analytically from signed distance functions
// (coverage = clamp(½ − d, 0, 1) for a distance d in pixels), colours come
// from viridis interpolated in CIE L*a*b* (colormap.Map.Smooth).
package main

import (
	"flag"
	"fmt"
	"image"
	"image/color"
	"log"
	"math"

	"github.com/convscope/convscope/internal/colormap"
	"github.com/convscope/convscope/internal/render"
)

func main() {
	out := flag.String("out", "assets/icon.png", "PNG file to write")
	size := flag.Int("size", 512, "edge length in pixels")
	flag.Parse()
	if *size < 16 {
		log.Fatalf("mkicon: size %d is too small (minimum 16)", *size)
	}
	if err := render.WritePNG(*out, Draw(*size)); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("wrote %s (%d×%d)\n", *out, *size, *size)
}

// Geometry, as fractions of the icon's edge.
const (
	bgInset  = 0.03  // transparent margin around the background
	bgRadius = 0.19  // corner radius of the background
	margin   = 0.115 // from the icon's edge to the tile grid
	gap      = 0.04  // between tiles
	tRadius  = 0.035 // corner radius of a tile
)

// patterns are the nine feature maps, f(u, v) in [0, 1] for u, v in [0, 1]
// (u to the right, v down).
var patterns = [9]func(u, v float64) float64{
	func(u, v float64) float64 { return gauss(u, v, 0.45, 0.5, 0.22) },                           // a blob
	func(u, v float64) float64 { return sigmoid((u - 0.5) * 14) },                                // a vertical edge
	func(u, v float64) float64 { return 0.5 + 0.5*math.Sin((u+v)*2*math.Pi*1.5) },                // diagonal stripes
	func(u, v float64) float64 { return 0.5 + 0.5*math.Cos(math.Hypot(u-0.5, v-0.5)*4*math.Pi) }, // rings
	func(u, v float64) float64 { return clamp(gauss(u, v, 0.3, 0.32, 0.16) + gauss(u, v, 0.72, 0.7, 0.18)) },
	func(u, v float64) float64 { return sigmoid((v - 0.55) * 12) }, // a horizontal edge
	func(u, v float64) float64 { // a soft checkerboard
		return 0.5 + 0.5*math.Sin(u*2*math.Pi*1.5)*math.Sin(v*2*math.Pi*1.5)
	},
	func(u, v float64) float64 { return clamp(1 - u*0.6 - v*0.7 + 0.15) }, // a gradient
	func(u, v float64) float64 { // a corner detector
		return sigmoid((0.6-u)*12) * sigmoid((v-0.4)*12)
	},
}

// Draw returns the icon at size×size pixels.
func Draw(size int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	s := float64(size)
	vir := colormap.MustByName("viridis")
	tile := (1 - 2*margin - 2*gap) / 3
	top := color.RGBA{40, 43, 62, 255}
	bottom := color.RGBA{18, 19, 28, 255}
	for py := range size {
		for px := range size {
			x, y := float64(px)+0.5, float64(py)+0.5
			// Background: a rounded square with a vertical gradient.
			inset := bgInset * s
			a := coverage(roundRect(x, y, inset, inset, s-inset, s-inset, bgRadius*s))
			if a == 0 {
				continue
			}
			c := lerp(top, bottom, y/s)
			// Tiles.
			for i, f := range patterns {
				x0 := (margin + float64(i%3)*(tile+gap)) * s
				y0 := (margin + float64(i/3)*(tile+gap)) * s
				x1, y1 := x0+tile*s, y0+tile*s
				ta := coverage(roundRect(x, y, x0, y0, x1, y1, tRadius*s))
				if ta == 0 {
					continue
				}
				u := clamp((x - x0) / (x1 - x0))
				v := clamp((y - y0) / (y1 - y0))
				c = mix(c, vir.Smooth(f(u, v)), ta)
			}
			o := img.PixOffset(px, py)
			img.Pix[o+0], img.Pix[o+1], img.Pix[o+2] = c.R, c.G, c.B
			img.Pix[o+3] = uint8(math.Round(a * 255))
		}
	}
	return img
}

// roundRect is the signed distance from (x, y) to the rectangle
// [x0, x1]×[y0, y1] with corners rounded by r (negative inside).
func roundRect(x, y, x0, y0, x1, y1, r float64) float64 {
	cx, cy := (x0+x1)/2, (y0+y1)/2
	hx, hy := (x1-x0)/2-r, (y1-y0)/2-r
	dx, dy := math.Abs(x-cx)-hx, math.Abs(y-cy)-hy
	out := math.Hypot(math.Max(dx, 0), math.Max(dy, 0))
	in := math.Min(math.Max(dx, dy), 0)
	return out + in - r
}

// coverage is the fraction of a pixel covered by a shape whose signed
// distance at the pixel centre is d pixels.
func coverage(d float64) float64 { return clamp(0.5 - d) }

func gauss(u, v, cu, cv, s float64) float64 {
	return math.Exp(-((u-cu)*(u-cu) + (v-cv)*(v-cv)) / (2 * s * s))
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

func clamp(t float64) float64 { return math.Max(0, math.Min(1, t)) }

func lerp(a, b color.RGBA, t float64) color.RGBA { return mix(a, b, clamp(t)) }

// mix blends b over a with opacity t.
func mix(a, b color.RGBA, t float64) color.RGBA {
	m := func(x, y uint8) uint8 { return uint8(math.Round(float64(x)*(1-t) + float64(y)*t)) }
	return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 255}
}
