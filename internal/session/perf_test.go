package session

import (
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

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
// photo file: decoding, preprocessing, forward pass and every sheet.
func BenchmarkReferencePhoto(b *testing.B) {
	path := filepath.Join(b.TempDir(), "photo.jpg")
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	for y := range 3000 { // smooth gradients with some texture, like a photo
		for x := range 4000 {
			o := img.PixOffset(x, y)
			img.Pix[o] = uint8(x / 16)
			img.Pix[o+1] = uint8(y/12 + (x*y)%7)
			img.Pix[o+2] = uint8((x + y) / 28)
			img.Pix[o+3] = 255
		}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 90}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	s := benchSession(b)
	var total, load time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		s.OpenFile(path)
		s.Wait()
		total += time.Since(start)
		load += s.Frame().Timing.Load
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "drop-to-grid-ms")
	b.ReportMetric(float64(load.Milliseconds())/float64(b.N), "load-ms")
}
