package nn

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"
)

// BenchmarkFireExpandPaths times SqueezeNet 1.1's 3×3 expand convolutions
// (padding 1, ReLU, one image, inference, PackWeights) on the Winograd
// F(2×2) and F(4×4) paths and the padded direct path, the three
// alternating call by call in one process (a shared machine's load falls
// on all of them alike), and logs each path's median CPU µs.
//
//	GOMAXPROCS=1 go test -tags ci ./nn/ -run XXX -bench FireExpandPaths -benchtime 300x -v
func BenchmarkFireExpandPaths(b *testing.B) {
	for _, s := range []struct {
		name      string
		h, cin, f int
	}{
		{"55x16-64", 55, 16, 64},
		{"27x32-128", 27, 32, 128},
		{"13x48-192", 13, 48, 192},
		{"13x64-256", 13, 64, 256},
	} {
		b.Run(s.name, func(b *testing.B) {
			paths := []string{"F2", "F4", "direct"}
			x := NewTensor(1, s.h, s.h, s.cin)
			fillUniform(x.Data, 1, rand.New(rand.NewSource(2)))
			var cs []*Conv2D
			var ys []*Tensor
			for _, p := range paths {
				c := NewConv2D(s.f, 3, 3, WithPads(1, 1, 1, 1), WithActivation("relu"))
				out, err := c.Build([]int{s.h, s.h, s.cin})
				if err != nil {
					b.Fatal(err)
				}
				c.Init(rand.New(rand.NewSource(1)))
				e := Engine{PackWeights: true}
				e.opts.winogradOff, e.opts.winogradF4 = p == "direct", p == "F4"
				c.setEngine(e)
				y := NewTensor(append([]int{1}, out...)...)
				c.Forward(y, x, false)
				cs, ys = append(cs, c), append(ys, y)
			}
			cpu := make([][]time.Duration, len(paths))
			for i := 0; b.Loop(); i++ {
				for k := range paths {
					k = (k + i) % len(paths)
					c0 := cpuTime()
					cs[k].Forward(ys[k], x, false)
					cpu[k] = append(cpu[k], cpuTime()-c0)
				}
			}
			var log strings.Builder
			for k, p := range paths {
				fmt.Fprintf(&log, " %s %.1f µs (tile %d)", p, float64(median(cpu[k]))/1e3, cs[k].winoTile(false))
			}
			b.Log(log.String())
		})
	}
}
