package dataset

import (
	"image"
	"image/color"
	"image/draw"
	"reflect"
	"testing"
)

// TestPreprocessSubImages checks images whose bounds do not start at the
// origin, as SubImage makes them, for each pixel layout with a fast path.
func TestPreprocessSubImages(t *testing.T) {
	src := noise(40, 30, 7)
	rect := image.Rect(5, 3, 37, 27)
	ycc := image.NewYCbCr(src.Bounds(), image.YCbCrSubsampleRatio420)
	for y := range 30 {
		for x := range 40 {
			c := src.NRGBAAt(x, y)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			ycc.Y[ycc.YOffset(x, y)] = yy
			ycc.Cb[ycc.COffset(x, y)], ycc.Cr[ycc.COffset(x, y)] = cb, cr
		}
	}
	rgba := image.NewRGBA(src.Bounds())
	draw.Draw(rgba, rgba.Bounds(), src, image.Point{}, draw.Src)
	gray := image.NewGray(src.Bounds())
	draw.Draw(gray, gray.Bounds(), src, image.Point{}, draw.Src)
	for _, tc := range []struct {
		name string
		img  interface {
			image.Image
			SubImage(image.Rectangle) image.Image
		}
	}{{"NRGBA", src}, {"RGBA", rgba}, {"Gray", gray}, {"YCbCr", ycc}} {
		for _, interp := range []Interpolation{Nearest, Bilinear} {
			sub := tc.img.SubImage(rect)
			copied := image.NewNRGBA(image.Rect(0, 0, rect.Dx(), rect.Dy()))
			draw.Draw(copied, copied.Bounds(), sub, rect.Min, draw.Src)
			opts := Options{Height: 10, Width: 13, Interpolation: interp, Rescale: 1}
			got, err := Preprocess(nil, sub, opts)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := Preprocess(nil, copied, opts)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s: a sub-image gives other values than its copy", tc.name, interp)
			}
		}
	}
}
