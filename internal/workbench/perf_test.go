package workbench

import (
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
