// Command benchtrain trains the reference model (nn.ReferenceModel, the Keras
// tutorial's convnet) on random 150×150×3 images for a number of steps and
// prints the time per step and the process's peak resident memory, for
// scripts/bench.sh to set beside PyTorch's figures (scripts/bench_torch.py
// prints the same line):
//
//	train <wall ms per step> <CPU ms per step> <images/s> <peak RSS in MiB>
//
// Usage:
//
//	go run ./internal/tools/benchtrain [-steps 20] [-batch 20] [-gemm sgemm|gonum]
//
// GOMAXPROCS sets the number of cores the engine uses. -gemm picks the
// model's matrix multiply (nn.Engine.BLAS): nn/sgemm (the default, what the
// app uses) or gonum's own Sgemm, for comparisons; its default is
// $CONVSCOPE_GEMM when set.
package main

import (
	"flag"
	"fmt"
	"math/rand"
	"os"
	"time"

	"gonum.org/v1/gonum/blas/gonum"

	"github.com/convscope/convscope/nn"
)

func main() {
	steps := flag.Int("steps", 20, "timed training steps (after one warm-up step)")
	batch := flag.Int("batch", 20, "images per batch")
	gemm := flag.String("gemm", envOr("CONVSCOPE_GEMM", "sgemm"), "matrix multiply: sgemm or gonum")
	flag.Parse()
	if err := run(*steps, *batch, *gemm); err != nil {
		fmt.Fprintln(os.Stderr, "benchtrain:", err)
		os.Exit(1)
	}
}

// envOr returns the environment variable key, or def when it is unset or
// empty.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func run(steps, batch int, gemm string) error {
	if steps < 1 || batch < 1 {
		return fmt.Errorf("expected positive -steps and -batch, received %d and %d", steps, batch)
	}
	var e nn.Engine
	switch gemm {
	case "sgemm":
	case "gonum":
		e.BLAS = gonum.Implementation{}
	default:
		return fmt.Errorf("expected -gemm sgemm or gonum, received %q", gemm)
	}
	m, err := nn.ReferenceModel()
	if err != nil {
		return err
	}
	m.SetEngine(e)
	x := nn.NewTensor(batch, 150, 150, 3)
	y := nn.NewTensor(batch, 1)
	rng := rand.New(rand.NewSource(1))
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	for i := range y.Data {
		y.Data[i] = float32(i % 2)
	}
	tr := nn.NewTrainer(m, nn.BinaryCrossentropy{}, nn.NewRMSprop(1e-4))
	tr.TrainBatch(x, y) // warm up: buffers and optimizer state
	c0, t0 := cpuTime(), time.Now()
	for i := 0; i < steps; i++ {
		tr.TrainBatch(x, y)
	}
	wall, cpu := time.Since(t0)/time.Duration(steps), (cpuTime()-c0)/time.Duration(steps)
	hwm, err := peakRSS()
	if err != nil {
		return err
	}
	fmt.Printf("train %.3f %.3f %.2f %.1f\n", ms(wall), ms(cpu), float64(batch)/wall.Seconds(), float64(hwm)/1024)
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1e3 }
