package session

import (
	"bytes"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/nn"
)

// benchSession is a session on the reference model whose posts run at
// once (there is no UI), at a 950-pixel wide grid.
func benchSession(b *testing.B) *Session {
	net, err := nn.ReferenceModel()
	if err != nil {
		b.Fatal(err)
	}
	s := New(Options{Model: &Model{Net: net}, Post: func(fn func()) { fn() }})
	b.Cleanup(s.Close)
	v := DefaultView()
	v.Width = 950
	s.SetView(v)
	return s
}

// BenchmarkReferenceFrame measures drop-to-grid on the reference model: a
// 150×150 sample, forward pass and every sheet at the default view.
func BenchmarkReferenceFrame(b *testing.B) {
	s := benchSession(b)
	var fwd, rnd time.Duration
	samples := GeneratedSamples(8)
	for i := 0; i < b.N; i++ {
		s.Open("x", "", samples[i%len(samples)].Load)
		s.Wait()
		f := s.Frame()
		fwd += f.Timing.Forward
		rnd += f.Timing.Render
	}
	b.ReportMetric(float64(fwd.Milliseconds())/float64(b.N), "forward-ms")
	b.ReportMetric(float64(rnd.Milliseconds())/float64(b.N), "render-ms")
}

// BenchmarkReferencePhoto measures drop-to-grid for a 12-megapixel JPEG
// photo file (4000×3000, quality 90, 4:2:0): decoding, preprocessing,
// forward pass and the frame. "smooth" is the gradient image this
// benchmark always used (0.85 MB, little entropy-coded data); "textured"
// adds fine random texture so the file carries a real phone photo's
// amount of data (5.6 MB). cpu-ms/op is the process's CPU time per drop
// (all threads), steadier than wall time on a shared machine.
//
// "imagejpeg" opens the same file as before the fast JPEG path
// (dataset.LoadImageFile: image/jpeg's full decode), for a same-run
// comparison; "fast" is what OpenFile does now (dataset.LoadPhotoFile).
func BenchmarkReferencePhoto(b *testing.B) {
	for _, kind := range []string{"smooth", "textured"} {
		path := filepath.Join(b.TempDir(), "photo.jpg")
		if err := os.WriteFile(path, photoJPEG(b, kind == "textured"), 0o644); err != nil {
			b.Fatal(err)
		}
		for _, how := range []string{"imagejpeg", "fast"} {
			b.Run(kind+"/"+how, func(b *testing.B) {
				s := benchSession(b)
				var total, load time.Duration
				c0 := cpuSeconds()
				for i := 0; i < b.N; i++ {
					start := time.Now()
					if how == "fast" {
						s.OpenFile(path)
					} else {
						s.Open("photo.jpg", path, func() (image.Image, error) {
							return dataset.LoadImageFile(path, dataset.DefaultMaxPixels)
						})
					}
					s.Wait()
					total += time.Since(start)
					load += s.Frame().Timing.Load
				}
				b.ReportMetric((cpuSeconds()-c0)*1e3/float64(b.N), "cpu-ms/op")
				b.ReportMetric(float64(total.Microseconds())/1e3/float64(b.N), "drop-to-grid-ms")
				b.ReportMetric(float64(load.Microseconds())/1e3/float64(b.N), "load-ms")
			})
		}
	}
}

// photoJPEG encodes a 4000×3000 photo-like image at quality 90: smooth
// gradients with some texture, and with textured, per-pixel noise as well.
func photoJPEG(b *testing.B, textured bool) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	s := uint32(1)
	for y := range 3000 {
		for x := range 4000 {
			n := 0
			if textured {
				s = s*1664525 + 1013904223
				n = int(s>>24) % 48
			}
			o := img.PixOffset(x, y)
			img.Pix[o] = uint8(x/16 + n)
			img.Pix[o+1] = uint8(y/12 + (x*y)%7 + n/2)
			img.Pix[o+2] = uint8((x+y)/28 + n)
			img.Pix[o+3] = 255
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}
