package dataset

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// texturedJPEG is photoJPEG with fine random texture on every channel, so
// that the file (≈ 2.7 bits per pixel at quality 90 for 12 MP) carries as
// much entropy-coded data as a real phone photo; photoJPEG's smooth
// gradients compress to a fraction of that.
func texturedJPEG(b testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	s := uint32(1)
	for y := range h {
		for x := range w {
			s = s*1664525 + 1013904223
			n := int(s>>24) % 48
			o := img.PixOffset(x, y)
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = uint8(x/16+n), uint8(y/12+(x*y)%7+n/2), uint8((x+y)/28+n), 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkPhoto12MP measures what dropping a 4000×3000 JPEG (q90, 4:2:0)
// costs before the forward pass: decoding, the network's 150×150 input
// (nearest, Keras' default) and the preview. "imagejpeg" is the path
// before the fast one (LoadImage: image/jpeg's full decode, then the same
// resize); "fast" is LoadPhoto (Huffman pass, sampled blocks only, DC
// preview) with the Huffman pass split over two goroutines
// (fastjpeg_split.go), "fast-1goroutine" the same on one. All give the
// same network input byte for byte
// (TestPhotoMatchesFullDecode). "smooth" is photoJPEG's gradient image
// (BenchmarkLoadPhoto12MP's, 1.0 MB); "textured" has a phone photo's
// entropy (texturedJPEG, ≈ 4 MB).
func BenchmarkPhoto12MP(b *testing.B) {
	smooth := photoJPEG(b, 4000, 3000)
	for _, kind := range []string{"smooth", "smooth-orientation6", "textured"} {
		var data []byte
		switch kind {
		case "smooth":
			data = smooth
		case "smooth-orientation6": // a portrait photo as phones store it
			data = withOrientation(smooth, 6, false)
		default:
			data = texturedJPEG(b, 4000, 3000)
		}
		opts := Options{Height: 150, Width: 150}
		for _, path := range []string{"imagejpeg", "fast-1goroutine", "fast"} {
			b.Run(kind+"/"+path, func(b *testing.B) {
				if path == "fast-1goroutine" {
					old := fjSplitMin
					fjSplitMin = 1 << 62
					defer func() { fjSplitMin = old }()
				}
				b.SetBytes(int64(len(data)))
				c0 := cpuSeconds()
				for b.Loop() {
					var img image.Image
					var err error
					if path != "imagejpeg" {
						img, err = LoadPhoto(bytes.NewReader(data), -1)
					} else {
						img, err = LoadImage(bytes.NewReader(data), -1)
					}
					if err != nil {
						b.Fatal(err)
					}
					if _, _, err := PreprocessImage(nil, img, opts); err != nil {
						b.Fatal(err)
					}
					if p, ok := img.(*Photo); ok {
						if p.Preview() == nil {
							b.Fatal("no preview")
						}
					} else if path != "imagejpeg" {
						b.Fatal("the fast path did not take the photo")
					}
				}
				b.ReportMetric((cpuSeconds()-c0)*1e3/float64(b.N), "cpu-ms/op")
			})
		}
	}
}
