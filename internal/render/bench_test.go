package render

import (
	"fmt"
	"math"
	"testing"

	"github.com/convscope/convscope/internal/testutil"
)

// referenceLayers are the conv/pool output shapes (H, W, C) of the
// tutorial's model (docs/REFERENCE.md §2).
var referenceLayers = [][3]int{
	{148, 148, 32}, {74, 74, 32}, {72, 72, 64}, {36, 36, 64},
	{34, 34, 128}, {17, 17, 128}, {15, 15, 128}, {7, 7, 128},
}

// synthetic returns a ReLU-like activation: smooth blobs and stripes per
// channel, clipped at 0, with channel 3 dead (all zero) and channel 5
// constant 0.5 when c > 5.
func synthetic(h, w, c int) []float32 {
	a := make([]float32, h*w*c)
	for y := range h {
		for x := range w {
			for ch := range c {
				fx, fy := float64(x)/float64(w), float64(y)/float64(h)
				v := math.Sin(fx*float64(ch%5+1)*3+float64(ch)) + math.Cos(fy*float64(ch%3+1)*4-float64(ch)*0.7)
				v += 0.8 * math.Exp(-((fx-0.5)*(fx-0.5)+(fy-0.3)*(fy-0.3))*float64(ch%4+2)*6)
				a[(y*w+x)*c+ch] = float32(max(0, v) * (1 + float64(ch%7)))
			}
		}
	}
	if c > 5 {
		for p := 0; p < h*w; p++ {
			a[p*c+3] = 0
			a[p*c+5] = 0.5
		}
	}
	return a
}

func benchLayers(b *testing.B, o SheetOptions) {
	acts := make([][]float32, len(referenceLayers))
	sheets := make([]*Sheet, len(referenceLayers))
	for i, l := range referenceLayers {
		acts[i] = synthetic(l[0], l[1], l[2])
		sheets[i] = LayerSheet(nil, acts[i], l[0], l[1], l[2], o)
	}
	b.ReportAllocs()
	t0 := cpuTime()
	for b.Loop() {
		for i, l := range referenceLayers {
			LayerSheet(sheets[i], acts[i], l[0], l[1], l[2], o)
		}
	}
	// The CI machine is shared: CPU time of the process is steadier than wall time.
	b.ReportMetric(float64((cpuTime()-t0).Nanoseconds())/float64(b.N)/1e6, "cpu-ms/op")
}

// cpuTime is the process's CPU time on all threads (user + system), which
// stays meaningful on a machine shared with other work.
var cpuTime = testutil.CPUTime

// BenchmarkReferenceLayers renders all eight conv/pool layers of the
// reference model, tiles at map size.
func BenchmarkReferenceLayers(b *testing.B) {
	for _, workers := range []int{1, 2} {
		for _, labels := range []bool{false, true} {
			b.Run(fmt.Sprintf("workers=%d/labels=%v", workers, labels), func(b *testing.B) {
				o := DefaultSheetOptions()
				o.Workers, o.Labels = workers, labels
				benchLayers(b, o)
			})
		}
	}
}

// BenchmarkReferenceLayersMinMax is the workers=1 case in MinMax mode, where
// ReLU zeros land exactly on the clamp.
func BenchmarkReferenceLayersMinMax(b *testing.B) {
	o := DefaultSheetOptions()
	o.Workers, o.Mode = 1, MinMax
	benchLayers(b, o)
}

// BenchmarkCalibration is a dependent chain of 1.5 M float32 additions, the
// number of activation values of the eight layers: about 4 cycles each, so
// ≈1.7 ms on an idle 3.6 GHz core. Compare it with the other benchmarks
// when the machine is shared.
func BenchmarkCalibration(b *testing.B) {
	n := 0
	for _, l := range referenceLayers {
		n += l[0] * l[1] * l[2]
	}
	a := synthetic(1, 1, n)
	var sink float32
	t0 := cpuTime()
	for b.Loop() {
		for _, x := range a {
			sink += x
		}
	}
	b.ReportMetric(float64((cpuTime()-t0).Nanoseconds())/float64(b.N)/1e6, "cpu-ms/op")
	_ = sink
}

// BenchmarkReferenceLayersTile96 renders them all at a 96-pixel tile, as a UI might.
func BenchmarkReferenceLayersTile96(b *testing.B) {
	o := DefaultSheetOptions()
	o.TileSize = 96
	benchLayers(b, o)
}
