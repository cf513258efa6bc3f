package dataset

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// photoJPEG encodes a w×h photo-like image (smooth gradients with some
// texture) as a quality-90 JPEG (4:2:0, as phones write).
func photoJPEG(b testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			o := img.PixOffset(x, y)
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = uint8(x/16), uint8(y/12+(x*y)%7), uint8((x+y)/28), 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkLoadPhoto12MP measures LoadImage on a 4000×3000 JPEG as stored
// (orientation 1) and as a phone writes a portrait photo (EXIF orientation
// 6: the pixels must be turned a quarter).
func BenchmarkLoadPhoto12MP(b *testing.B) {
	jpg := photoJPEG(b, 4000, 3000)
	for _, o := range []int{1, 6} {
		data := withOrientation(jpg, o, false)
		b.Run(map[int]string{1: "upright", 6: "orientation6"}[o], func(b *testing.B) {
			for b.Loop() {
				if _, err := LoadImage(bytes.NewReader(data), -1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOrient12MP isolates turning a decoded 4000×3000 JPEG (4:2:0
// YCbCr) upright for EXIF orientation 6: the generic path (At and
// NRGBAModel per pixel) against the typed one, alternating.
func BenchmarkOrient12MP(b *testing.B) {
	img, err := jpeg.Decode(bytes.NewReader(photoJPEG(b, 4000, 3000)))
	if err != nil {
		b.Fatal(err)
	}
	o := orientation(6)
	ax, bx, cx, ay, by, cy := o.affine(4000, 3000)
	dst := image.NewNRGBA(image.Rect(0, 0, 3000, 4000))
	b.Run("generic", func(b *testing.B) {
		for b.Loop() {
			applyGeneric(img, dst, ax, bx, cx, ay, by, cy)
		}
	})
	b.Run("typed", func(b *testing.B) {
		for b.Loop() {
			applyFast(img, dst, ax, bx, cx, ay, by, cy)
		}
	})
}
