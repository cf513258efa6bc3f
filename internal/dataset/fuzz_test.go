package dataset

import (
	"image/color"
	"testing"
)

// FuzzJPEGOrientation: the EXIF reader never panics and always returns an
// orientation 1 to 8, whatever the segments hold. Seeds:
// testdata/fuzz/FuzzJPEGOrientation and JPEGs with each orientation.
func FuzzJPEGOrientation(f *testing.F) {
	jpg := encodeJPEG(f, quadImage(16, 8), 90)
	f.Add(jpg)
	for o := 1; o <= 8; o++ {
		f.Add(withOrientation(jpg, o, o%2 == 0)[:min(len(jpg), 64)])
	}
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x02})
	f.Fuzz(func(t *testing.T, in []byte) {
		if o := jpegOrientation(in); o < 1 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}

// FuzzDecodeImage: decoding any bytes, through the header check, the
// standard decoders, our GIF and WebP fixes and the EXIF orientation, never
// panics, never decodes more pixels than allowed and returns an upright
// image of the declared size. Seeds: testdata/fuzz/FuzzDecodeImage and one
// small file per format.
func FuzzDecodeImage(f *testing.F) {
	img := quadImage(6, 4)
	f.Add(encodePNG(f, img))
	f.Add(withOrientation(encodeJPEG(f, img, 80), 6, false))
	f.Add(encodeGIF(f, img))
	f.Add(encodeBMP(f, img))
	f.Add(encodeTIFF(f, img))
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"))
	f.Add([]byte{})
	const limit = 1 << 16
	f.Fuzz(func(t *testing.T, in []byte) {
		m, o, err := decodeBytes(in, limit)
		if err != nil {
			return
		}
		b := m.Bounds()
		if b.Dx()*b.Dy() > limit || b.Dx() <= 0 || b.Dy() <= 0 {
			t.Fatalf("decoded %v past the %d-pixel limit", b, limit)
		}
		up := o.apply(m)
		ub := up.Bounds()
		if o.swapsAxes() != (ub.Dx() == b.Dy() && ub.Dy() == b.Dx() && b.Dx() != b.Dy()) && b.Dx() != b.Dy() {
			t.Fatalf("orientation %d turned %v into %v", o, b, ub)
		}
		_ = color.NRGBAModel.Convert(up.At(ub.Min.X, ub.Min.Y))
	})
}
