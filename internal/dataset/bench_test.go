package dataset

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/convscope/convscope/nn"
)

// photoLike is a w×h picture with what makes a photo cost to decode:
// smooth shading, edges and fine texture (noise), so that at quality 75 it
// compresses like a dogs-vs-cats photo (500×375, 20–40 KB).
func photoLike(w, h int) *image.NRGBA {
	rng := rand.New(rand.NewPCG(5, 5))
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			base := 120 + 60*math.Sin(6*fx+3*fy) + 40*math.Cos(9*fy*fx)
			if (x/40+y/30)%3 == 0 {
				base += 35
			}
			n := rng.NormFloat64() * 6
			m.SetNRGBA(x, y, color.NRGBA{
				uint8(min(max(base+n, 0), 255)),
				uint8(min(max(base*0.8+30*fy+n, 0), 255)),
				uint8(min(max(base*0.6+50*fx+n, 0), 255)),
				255,
			})
		}
	}
	return m
}

// BenchmarkDecodeResizeJPEG decodes a 500×375 JPEG and resizes it to
// 150×150 (what the loader does per dogs-vs-cats photo) on all cores.
func BenchmarkDecodeResizeJPEG(b *testing.B) {
	jpg := encodeJPEG(b, photoLike(500, 375), 75)
	for _, interp := range []Interpolation{Nearest, Bilinear} {
		b.Run(string(interp), func(b *testing.B) {
			b.SetBytes(int64(len(jpg)))
			b.ReportAllocs()
			cpu := cpuSeconds()
			b.RunParallel(func(pb *testing.PB) {
				var r resizer
				dst := make([]uint8, 150*150*3)
				for pb.Next() {
					img, o, err := decodeBytes(jpg, DefaultMaxPixels)
					if err != nil {
						panic(err)
					}
					r.resize(dst, img, o, 150, 150, RGB, interp)
				}
			})
			reportRates(b, b.N, cpu)
		})
	}
}

// BenchmarkResize is the resize alone, from a decoded 500×375 JPEG.
func BenchmarkResize(b *testing.B) {
	img, o, err := decodeBytes(encodeJPEG(b, photoLike(500, 375), 75), DefaultMaxPixels)
	if err != nil {
		b.Fatal(err)
	}
	for _, interp := range []Interpolation{Nearest, Bilinear} {
		b.Run(string(interp), func(b *testing.B) {
			var r resizer
			dst := make([]uint8, 150*150*3)
			b.ReportAllocs()
			for b.Loop() {
				r.resize(dst, img, o, 150, 150, RGB, interp)
			}
		})
	}
}

// BenchmarkIterator measures the whole loader, batches of 20 float32
// samples from 64 distinct 500×375 JPEGs, as training sees it: streaming
// (cache off, every sample decoded) and cached (after the first pass).
func BenchmarkIterator(b *testing.B) {
	files := map[string][]byte{}
	for i := range 64 {
		img := photoLike(500, 375)
		img.Pix[0] = uint8(i) // distinct files
		files[fmt.Sprintf("d/%c/%02d.jpg", 'a'+i%2, i)] = encodeJPEG(b, img, 75)
	}
	for _, tc := range []struct {
		name  string
		cache int64
	}{{"streaming", -1}, {"cached", 0}} {
		b.Run(tc.name, func(b *testing.B) {
			f, err := Scan(mapFS(files), "d", Options{ClassMode: Binary, CacheBytes: tc.cache})
			if err != nil {
				b.Fatal(err)
			}
			it := f.Iterator(20, true, 1)
			defer it.Close()
			x, y := it.NewBatch()
			for range 4 { // start the workers; fill the cache
				if err := it.Next(x, y); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			cpu := cpuSeconds()
			for b.Loop() {
				if err := it.Next(x, y); err != nil {
					b.Fatal(err)
				}
			}
			reportRates(b, 20*b.N, cpu)
		})
	}
}

// reportRates reports images per wall-clock second and per CPU-second used
// since cpu0 (all goroutines, GC included), where it can be measured.
func reportRates(b *testing.B, images int, cpu0 float64) {
	b.ReportMetric(float64(images)/b.Elapsed().Seconds(), "images/s")
	if cpu := cpuSeconds() - cpu0; cpu > 0 && cpu0 > 0 {
		b.ReportMetric(float64(images)/cpu, "images/cpu-s")
	}
}

// BenchmarkTrainStep is the consumer the loader must keep up with: one
// training step of the reference model (batch 20, RMSprop, binary
// cross-entropy, the fast Sgemm of the default nn.Engine) per op. Run it with -benchtime 5x.
func BenchmarkTrainStep(b *testing.B) {
	m, err := nn.ReferenceModel() // the default nn.Engine: nn/sgemm
	if err != nil {
		b.Fatal(err)
	}
	tr := nn.NewTrainer(m, nn.BinaryCrossentropy{}, nn.NewRMSprop(1e-4))
	g := mustGen(b, GenOptions{Seed: 1})
	it := g.Iterator(0, 20, 20, false, 0)
	defer it.Close()
	x, y := it.NewBatch()
	if err := it.Next(x, y); err != nil {
		b.Fatal(err)
	}
	tr.TrainBatch(x, y) // allocate the buffers
	b.ResetTimer()
	cpu := cpuSeconds()
	for b.Loop() {
		tr.TrainBatch(x, y)
	}
	reportRates(b, 20*b.N, cpu)
}
