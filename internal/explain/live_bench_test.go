package explain

import (
	"context"
	"math/rand"
	"sync"
	"testing"
	"time"

	"github.com/convscope/convscope/nn"
)

// BenchmarkTrainingLiveGradCAM measures what live Grad-CAM costs training
// (issue #14's budget: ≤ 5 % of its throughput). One op is a training step
// of the tutorial's model at batch 20 (RMSprop 1e-4). With live=on, a
// second goroutine does what the app does while the Explain tab shows a
// live map: every 500 ms (the session's snapshot interval) it copies the
// training weights into a spare network and runs Grad-CAM at conv2d_4 on
// it (a forward pass and a backward pass to conv2d_4). Compare the two
// sub-benchmarks' img/s:
//
//	go test -tags ci ./internal/explain/ -run XXX -bench TrainingLiveGradCAM -benchtime 40x
func BenchmarkTrainingLiveGradCAM(b *testing.B) {
	for _, live := range []bool{false, true} {
		name := "live=off"
		if live {
			name = "live=on"
		}
		b.Run(name, func(b *testing.B) {
			net, err := nn.ReferenceModel()
			if err != nil {
				b.Fatal(err)
			}
			net.Init(1)
			spare, x1 := tutorialModel(b) // the spare network a live map is computed on
			const batch = 20
			x, y := nn.NewTensor(batch, 150, 150, 3), nn.NewTensor(batch, 1)
			rng := rand.New(rand.NewSource(1))
			for i := range x.Data {
				x.Data[i] = rng.Float32()
			}
			for i := range y.Data {
				y.Data[i] = float32(i % 2)
			}
			tr := nn.NewTrainer(net, nn.BinaryCrossentropy{}, nn.NewRMSprop(1e-4))
			tr.TrainBatch(x, y) // warm-up: buffers and optimizer state

			var mu sync.Mutex // the step and the weight copy never overlap, as in the app
			stop, done := make(chan struct{}), make(chan int)
			go func() {
				maps := 0
				if live {
					e := New(FromSequential(spare))
					tick := time.NewTicker(500 * time.Millisecond)
					defer tick.Stop()
					for {
						select {
						case <-stop:
							done <- maps
							return
						case <-tick.C:
						}
						mu.Lock()
						err := spare.CopyWeightsFrom(net)
						mu.Unlock()
						if err != nil {
							panic(err)
						}
						if _, err := e.Explain(context.Background(), x1, Options{Method: GradCAM, Class: Predicted}); err != nil {
							panic(err)
						}
						maps++
					}
				}
				<-stop
				done <- maps
			}()
			start := time.Now()
			for b.Loop() {
				mu.Lock()
				tr.TrainBatch(x, y)
				mu.Unlock()
			}
			elapsed := time.Since(start)
			close(stop)
			maps := <-done
			b.ReportMetric(float64(b.N*batch)/elapsed.Seconds(), "img/s")
			b.ReportMetric(float64(maps), "maps")
		})
	}
}
