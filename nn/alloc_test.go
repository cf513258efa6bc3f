package nn

import (
	"math/rand"
	"sync"
	"sync/atomic"
	"testing"

	"gonum.org/v1/gonum/blas/gonum"
)

func TestLayersDoNotAllocate(t *testing.T) {
	// This checks the layers, so the GEMM is gonum's (nn/sgemm keeps its
	// packing buffers in a sync.Pool, which drops items under -race), at
	// sizes small enough that it runs serially (its parallel path starts
	// goroutines); the layers' own worker pool runs with the default
	// number of workers.
	gonumEngine := Engine{BLAS: gonum.Implementation{}}
	cases := []struct {
		name  string
		layer Layer
		in    []int
		batch int // 0: 3
	}{
		{"Conv2D", NewConv2D(4, 3, 3, WithActivation("relu"), WithPadding("same")), []int{9, 8, 3}, 0},
		{"Conv2D softmax stride 2", NewConv2D(3, 2, 2, WithActivation("softmax"), WithStrides(2, 2)), []int{8, 8, 2}, 0},
		{"MaxPooling2D", NewMaxPooling2D(2, 2), []int{8, 8, 3}, 0},
		{"AveragePooling2D", NewAveragePooling2D(3, 3, WithPadding("same"), WithStrides(2, 2)), []int{8, 8, 3}, 0},
		{"GlobalAveragePooling2D", NewGlobalAveragePooling2D(), []int{4, 4, 3}, 0},
		{"Flatten", NewFlatten(), []int{4, 4, 3}, 0},
		{"Dense", NewDense(8, WithActivation("sigmoid")), []int{16}, 0},
		{"Dense one sample", NewDense(40, WithActivation("relu")), []int{50}, 1},
		{"Conv2D one sample", NewConv2D(4, 3, 3, WithActivation("relu")), []int{9, 8, 3}, 1},
		{"Dropout", NewDropout(0.5), []int{16}, 0},
		{"Activation", NewActivation("tanh"), []int{4, 5}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			useEngine(c.layer, gonumEngine)
			out, err := c.layer.Build(c.in)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewSource(1))
			if in, ok := c.layer.(Initializer); ok {
				in.Init(rng)
			}
			n := c.batch
			if n == 0 {
				n = 3
			}
			x := NewTensor(append([]int{n}, c.in...)...)
			fillUniform(x.Data, 1, rng)
			y := NewTensor(append([]int{n}, out...)...)
			dy := NewTensor(y.Shape...)
			fillUniform(dy.Data, 1, rng)
			dx := NewTensor(x.Shape...)
			step := func() {
				c.layer.Forward(y, x, true)
				c.layer.Backward(dx, dy, x, y)
			}
			step() // first use of the batch size may allocate
			if n := testing.AllocsPerRun(20, step); n != 0 {
				t.Errorf("training step: %v allocations, want 0", n)
			}
			if n := testing.AllocsPerRun(20, func() { c.layer.Forward(y, x, false) }); n != 0 {
				t.Errorf("inference: %v allocations, want 0", n)
			}
		})
	}
}

func TestParallelFor(t *testing.T) {
	for _, w := range []int{1, 2, 3, 8} {
		e := Engine{Workers: w}
		for _, n := range []int{0, 1, 2, 5, 100} {
			hits := make([]atomic.Int32, n)
			var bad atomic.Bool
			e.parallelFor(n, func(worker, i int) {
				if worker < 0 || worker >= max(1, w) {
					bad.Store(true)
				}
				hits[i].Add(1)
			})
			for i := range hits {
				if hits[i].Load() != 1 {
					t.Fatalf("workers=%d n=%d: item %d ran %d times", w, n, i, hits[i].Load())
				}
			}
			if bad.Load() {
				t.Fatalf("workers=%d: worker id out of range", w)
			}
		}
	}
}

func TestParallelForNestedAndConcurrent(t *testing.T) {
	// Nested calls and calls from several goroutines must not deadlock,
	// and each item must run once.
	e := Engine{Workers: 3}
	var total atomic.Int64
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			e.parallelFor(6, func(_, _ int) {
				e.parallelFor(5, func(_, _ int) { total.Add(1) })
			})
			done <- true
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
	if total.Load() != 4*6*5 {
		t.Errorf("ran %d items, want %d", total.Load(), 4*6*5)
	}
}

func TestParallelForManyShortCalls(t *testing.T) {
	// Back-to-back calls too short for a helper to join: helpers are
	// revoked before they start, and a late helper must neither run an
	// item of a finished call nor be lost to the next one.
	e := Engine{Workers: 4}
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := 0; c < 2000; c++ {
				var hits [3]atomic.Int32
				e.parallelFor(3, func(_, i int) { hits[i].Add(1) })
				for i := range hits {
					if n := hits[i].Load(); n != 1 {
						t.Errorf("call %d: item %d ran %d times", c, i, n)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

func TestParallelForDoesNotAllocate(t *testing.T) {
	var sum atomic.Int64
	fn := func(_, i int) { sum.Add(int64(i)) }
	var e Engine
	e.parallelFor(64, fn)
	if n := testing.AllocsPerRun(50, func() { e.parallelFor(64, fn) }); n != 0 {
		t.Errorf("parallelFor: %v allocations, want 0", n)
	}
}
