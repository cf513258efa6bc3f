package atlas

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/model"
)

// BenchmarkAtlasConv2d4 computes the atlas of all 128 channels of the
// tutorial model's conv2d_4 at 40 steps (issue #15: ≤ 60 s on 2 cores),
// batched as the app does. It reports process CPU seconds per atlas
// (cpu-s/op) beside the wall time: on a shared machine the wall time
// depends on the load, the CPU time much less. ATLAS_BENCH_CHANNELS
// limits the channels (a quick profile), ATLAS_BENCH_LAYER chooses
// another layer (the window's periodic images cost nothing on conv2d_4:
// its windows are too wide; on conv2d_2 and conv2d_3 they do).
// Sub-benchmarks: the default settings, without the window's periodic
// images (Windows empty), and without the extension of channels short of
// 5× their start (Extra −1, which also leaves out what follows it).
func BenchmarkAtlasConv2d4(b *testing.B) {
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		b.Fatal(err)
	}
	var chans []int
	if n, _ := strconv.Atoi(os.Getenv("ATLAS_BENCH_CHANNELS")); n > 0 {
		for k := range n {
			chans = append(chans, k)
		}
	}
	param := os.Getenv("ATLAS_BENCH_PARAM")
	layer := "conv2d_4"
	if l := os.Getenv("ATLAS_BENCH_LAYER"); l != "" {
		layer = l
	}
	t, err := NewTarget(m.Net, layer)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		o    Options
	}{
		{"default", Options{}},
		{"no-window", Options{Windows: [][2]int{}}},
		{"no-extend", Options{Extra: -1}},
	} {
		b.Run(c.name, func(b *testing.B) {
			o := c.o
			o.Steps, o.Param = 40, param
			cpu0, wall0 := cpuTime(), time.Now()
			n := 0
			for b.Loop() {
				if _, err := t.Visualize(context.Background(), 0, chans, o, nil); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(n), "cpu-s/op")
			b.ReportMetric(time.Since(wall0).Seconds()/float64(n), "wall-s/op")
		})
	}
}
