package workbench

import (
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/convscope/convscope/nn"
)

// BenchmarkReferenceFrame measures drop-to-grid on the reference model: a
// 150×150 sample, forward pass and every sheet at the default view.
func BenchmarkReferenceFrame(b *testing.B) {
	net, err := nn.ReferenceModel()
	if err != nil {
		b.Fatal(err)
	}
	bench := NewBench(&Model{Net: net})
	defer bench.Close()
	v := DefaultView()
	v.Width = 950
	bench.SetView(v)
	var fwd, rnd time.Duration
	var prev *Frame
	samples := GeneratedSamples(8)
	for i := 0; i < b.N; i++ {
		bench.Open("x", "", samples[i%len(samples)].Load)
		bench.Wait()
		f := bench.Frame()
		bench.Release(prev) // as the UI does once f is on screen
		prev = f
		fwd += f.Timing.Forward
		rnd += f.Timing.Render
	}
	b.ReportMetric(float64(fwd.Milliseconds())/float64(b.N), "forward-ms")
	b.ReportMetric(float64(rnd.Milliseconds())/float64(b.N), "render-ms")
}

// BenchmarkReferencePhoto measures drop-to-grid for a 12-megapixel JPEG
// photo file: decoding, preprocessing, forward pass and every sheet.
func BenchmarkReferencePhoto(b *testing.B) {
	net, err := nn.ReferenceModel()
	if err != nil {
		b.Fatal(err)
	}
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
	bench := NewBench(&Model{Net: net})
	defer bench.Close()
	v := DefaultView()
	v.Width = 950
	bench.SetView(v)
	var prev *Frame
	var total, load time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		bench.OpenFile(path)
		bench.Wait()
		total += time.Since(start)
		f := bench.Frame()
		load += f.Timing.Load
		bench.Release(prev)
		prev = f
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "drop-to-grid-ms")
	b.ReportMetric(float64(load.Milliseconds())/float64(b.N), "load-ms")
}
