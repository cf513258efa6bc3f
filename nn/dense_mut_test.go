package nn

import (
	"math/rand"
	"slices"
	"testing"
)

// TestDenseBlocks pins how Dense splits its columns into work items: about
// two blocks per worker, each at least 16 columns wide, the count
// recomputed from the width so no block is empty.
func TestDenseBlocks(t *testing.T) {
	cases := []struct {
		cols, workers int
		width, count  int
	}{
		{cols: 5, workers: 1, width: 5, count: 1},       // narrower than one block
		{cols: 16, workers: 2, width: 16, count: 1},     // exactly one block
		{cols: 17, workers: 2, width: 9, count: 2},      // one column more: two
		{cols: 40, workers: 1, width: 20, count: 2},     // two blocks per worker
		{cols: 40, workers: 4, width: 14, count: 3},     // at least 16 wide: 3
		{cols: 100, workers: 3, width: 17, count: 6},    // 2·workers
		{cols: 1000, workers: 2, width: 250, count: 4},  // wide blocks
		{cols: 289, workers: 9, width: 17, count: 17},   // the count shrinks after rounding the width up
		{cols: 3, workers: 8, width: 3, count: 1},       // more workers than columns
		{cols: 1024, workers: 64, width: 16, count: 64}, // 16 wide, not 2·workers
	}
	for _, c := range cases {
		d := &Dense{eng: Engine{Workers: c.workers}}
		w, n := d.blocks(c.cols)
		if w != c.width || n != c.count {
			t.Errorf("blocks(%d) with %d workers = (%d, %d), expected (%d, %d)", c.cols, c.workers, w, n, c.width, c.count)
		}
		if (n-1)*w >= c.cols || n*w < c.cols {
			t.Errorf("blocks(%d) with %d workers = (%d, %d): an empty or missing block", c.cols, c.workers, w, n)
		}
	}
}

// TestDenseInitZeroesBias checks that Init redraws the kernel and sets
// the bias back to zero (Keras' zeros initializer), also for a layer
// without a bias.
func TestDenseInitZeroesBias(t *testing.T) {
	for _, bias := range []bool{true, false} {
		d := NewDense(3, WithUseBias(bias))
		if _, err := d.Build([]int{4}); err != nil {
			t.Fatal(err)
		}
		for _, p := range d.Params() {
			for i := range p.Value {
				p.Value[i] = 7
			}
		}
		d.Init(rand.New(rand.NewSource(1)))
		if slices.Contains(d.kernel.Value, 7) {
			t.Errorf("use_bias %v: kernel not redrawn: %v", bias, d.kernel.Value)
		}
		if bias && !slices.Equal(d.bias.Value, []float32{0, 0, 0}) {
			t.Errorf("bias after Init = %v, expected zeros", d.bias.Value)
		}
		if got := len(d.Params()); got != map[bool]int{true: 2, false: 1}[bias] {
			t.Errorf("use_bias %v: %d params", bias, got)
		}
	}
}

// TestDenseSkipWeightGrads checks that with skipWeightGrads only the input
// gradient is computed (the weight gradients keep what they held) and that
// it equals the full Backward's.
func TestDenseSkipWeightGrads(t *testing.T) {
	for _, n := range []int{1, 3} {
		rng := rand.New(rand.NewSource(3))
		d := NewDense(20, WithActivation("tanh"))
		d.setEngine(Engine{Workers: 2})
		if _, err := d.Build([]int{35}); err != nil {
			t.Fatal(err)
		}
		fillUniform(d.kernel.Value, 0.5, rng)
		fillUniform(d.bias.Value, 0.5, rng)
		x, y, dy := NewTensor(n, 35), NewTensor(n, 20), NewTensor(n, 20)
		fillUniform(x.Data, 1, rng)
		fillUniform(dy.Data, 1, rng)
		d.Forward(y, x, true)
		full := NewTensor(n, 35)
		d.Backward(full, dy, x, y)
		for _, p := range d.Params() {
			for i := range p.Grad {
				p.Grad[i] = 5
			}
		}
		d.skipWeightGrads(true)
		only := NewTensor(n, 35)
		d.Backward(only, dy, x, y)
		d.skipWeightGrads(false)
		if !slices.Equal(only.Data, full.Data) {
			t.Errorf("batch %d: dx with weights skipped differs:\n%v\n%v", n, only.Data, full.Data)
		}
		for _, p := range d.Params() {
			for _, g := range p.Grad {
				if g != 5 {
					t.Fatalf("batch %d: %s gradient written with weights skipped", n, p.Name)
				}
			}
		}
	}
}
