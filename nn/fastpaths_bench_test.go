package nn

import (
	"context"
	"math/rand"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkFastPathsAB runs every graph file (.safetensors, e.g. the
// torchvision models imported with BatchNorm folded and activations fused,
// saved with SaveGraphFile) in CONVSCOPE_GRAPH_DIR image by image with
// branch mobile3's fast paths off ("old": no convolution + activation
// fusion, AVX2 SiLU and 3×3 depthwise rows, 5×5 depthwise on the general
// path) and on ("new"), alternating old, new, new, old, so that both see
// the same load; it reports each one's median CPU ms per image (every
// node's output, PackWeights on), their ratio, and the median wall ms. On a machine shared with
// other work, only such same-process ratios mean much. Each pass carries
// the pprof label paths=old or paths=new (go tool pprof -tagfocus
// paths=new). Skipped without CONVSCOPE_GRAPH_DIR.
func BenchmarkFastPathsAB(b *testing.B) {
	dir := os.Getenv("CONVSCOPE_GRAPH_DIR")
	if dir == "" {
		b.Skip("set CONVSCOPE_GRAPH_DIR to a folder of graph .safetensors files")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.safetensors"))
	for _, f := range files {
		g, _, err := LoadGraphFile(f)
		if err != nil {
			b.Fatal(err)
		}
		g.SetEngine(Engine{PackWeights: true})
		x := NewTensor(append([]int{1}, g.InputShape()...)...)
		fillUniform(x.Data, 1, rand.New(rand.NewSource(1)))
		b.Run(strings.TrimSuffix(filepath.Base(f), ".safetensors"), func(b *testing.B) {
			avx512 := useAVX512
			defer func() { actFusion, useAVX512 = true, avx512 }()
			var times, walls [2][]time.Duration
			run := func(v int) {
				actFusion, useAVX512 = v == 1, avx512 && v == 1
				w0, c0 := time.Now(), cpuTime()
				pprof.Do(context.Background(), pprof.Labels("paths", [2]string{"old", "new"}[v]), func(context.Context) { g.Activations(x) })
				times[v] = append(times[v], cpuTime()-c0)
				walls[v] = append(walls[v], time.Since(w0))
			}
			run(0)
			run(1)
			times, walls = [2][]time.Duration{}, [2][]time.Duration{}
			for i := 0; b.Loop(); i++ {
				if i%2 == 0 {
					run(0)
					run(1)
				} else {
					run(1)
					run(0)
				}
			}
			med := func(d []time.Duration) float64 {
				slices.Sort(d)
				return float64(d[len(d)/2]) / 1e6
			}
			o, n := med(times[0]), med(times[1])
			b.ReportMetric(o, "old-cpu-ms")
			b.ReportMetric(n, "new-cpu-ms")
			b.ReportMetric(n/o, "new/old")
			b.ReportMetric(med(walls[0]), "old-wall-ms")
			b.ReportMetric(med(walls[1]), "new-wall-ms")
		})
	}
}
