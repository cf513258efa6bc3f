package nn

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"
)

func tensorOf(shape []int, data ...float32) *Tensor {
	t := NewTensor(shape...)
	if len(data) != len(t.Data) {
		panic("tensorOf: wrong data length")
	}
	copy(t.Data, data)
	return t
}

func TestLossValues(t *testing.T) {
	ln := math.Log
	// Keras' largest per-value loss: -log(1 - float32(1 - 1e-7)).
	const kerasMax = 15.942385
	tests := []struct {
		name         string
		loss         Loss
		pred, target *Tensor
		want         float64
	}{
		{"bce", BinaryCrossentropy{}, tensorOf([]int{2, 1}, 0.9, 0.2), tensorOf([]int{2, 1}, 1, 0),
			-(ln(0.9) + ln(0.8)) / 2},
		{"bce soft target", BinaryCrossentropy{}, tensorOf([]int{1, 1}, 0.7), tensorOf([]int{1, 1}, 0.25),
			-(0.25*ln(0.7) + 0.75*ln(0.3))},
		{"bce two outputs", BinaryCrossentropy{}, tensorOf([]int{1, 2}, 0.6, 0.1), tensorOf([]int{1, 2}, 1, 1),
			-(ln(0.6) + ln(0.1)) / 2},
		{"bce clipped high", BinaryCrossentropy{}, tensorOf([]int{1, 1}, 1), tensorOf([]int{1, 1}, 0), kerasMax},
		{"bce clipped low", BinaryCrossentropy{}, tensorOf([]int{1, 1}, 0), tensorOf([]int{1, 1}, 1), -ln(float64(float32(1e-7)))},
		{"bce perfect", BinaryCrossentropy{}, tensorOf([]int{2, 1}, 1, 0), tensorOf([]int{2, 1}, 1, 0),
			-ln(float64(float32(1 - 1e-7)))},
		{"cce", CategoricalCrossentropy{}, tensorOf([]int{2, 3}, 0.7, 0.2, 0.1, 0.1, 0.1, 0.8), tensorOf([]int{2, 3}, 1, 0, 0, 0, 0, 1),
			-(ln(0.7) + ln(0.8)) / 2},
		{"cce normalises", CategoricalCrossentropy{}, tensorOf([]int{1, 3}, 2, 1, 1), tensorOf([]int{1, 3}, 0, 1, 0),
			-ln(0.25)},
		{"cce clipped", CategoricalCrossentropy{}, tensorOf([]int{1, 2}, 0, 1), tensorOf([]int{1, 2}, 1, 0),
			-ln(float64(float32(1e-7)))},
		{"sparse", SparseCategoricalCrossentropy{}, tensorOf([]int{2, 3}, 0.7, 0.2, 0.1, 0.1, 0.1, 0.8), tensorOf([]int{2, 1}, 0, 2),
			-(ln(0.7) + ln(0.8)) / 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.loss.Loss(tt.pred, tt.target)
			if math.Abs(got-tt.want) > 1e-6*math.Max(1, math.Abs(tt.want)) {
				t.Errorf("%s = %.9g, want %.9g", tt.loss.Name(), got, tt.want)
			}
		})
	}
}

// numericGrad estimates dLoss/dpred by central differences.
func numericGrad(loss Loss, pred, target *Tensor) []float64 {
	g := make([]float64, len(pred.Data))
	for i := range pred.Data {
		v := pred.Data[i]
		h := float32(1e-3) * max(1, float32(math.Abs(float64(v))))
		pred.Data[i] = v + h
		up := loss.Loss(pred, target)
		pred.Data[i] = v - h
		down := loss.Loss(pred, target)
		pred.Data[i] = v
		g[i] = (up - down) / float64((v+h)-(v-h))
	}
	return g
}

func TestLossGradFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	const n, k = 4, 3
	uniform := func(lo, hi float64) float32 { return float32(lo + (hi-lo)*rng.Float64()) }
	pred := NewTensor(n, k)
	for i := range pred.Data {
		pred.Data[i] = uniform(0.05, 0.95)
	}
	raw := NewTensor(n, k) // unnormalised positive scores
	for i := range raw.Data {
		raw.Data[i] = uniform(0.2, 3)
	}
	soft := NewTensor(n, k)
	onehot := NewTensor(n, k)
	sparse := NewTensor(n, 1)
	for i := 0; i < n; i++ {
		soft.Data[i*k+i%k] = 1 // binary targets 0/1 per output
		soft.Data[i*k+(i+1)%k] = uniform(0, 1)
		c := rng.Intn(k)
		onehot.Data[i*k+c] = 1
		sparse.Data[i] = float32(c)
	}
	tests := []struct {
		name         string
		loss         Loss
		pred, target *Tensor
	}{
		{"binary", BinaryCrossentropy{}, pred, soft},
		{"categorical", CategoricalCrossentropy{}, pred, onehot},
		{"categorical unnormalised", CategoricalCrossentropy{}, raw, onehot},
		{"sparse", SparseCategoricalCrossentropy{}, pred, sparse},
		{"sparse unnormalised", SparseCategoricalCrossentropy{}, raw, sparse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := NewTensor(tt.pred.Shape...)
			tt.loss.Grad(d, tt.pred, tt.target)
			num := numericGrad(tt.loss, tt.pred, tt.target)
			for i, g := range d.Data {
				if math.Abs(float64(g)-num[i]) > 2e-3*math.Max(1, math.Abs(num[i])) {
					t.Errorf("grad[%d] = %.6g, finite differences %.6g", i, g, num[i])
				}
			}
		})
	}
}

func TestLossGradZeroWhereClipped(t *testing.T) {
	pred := tensorOf([]int{4, 1}, 0, 1, 1e-9, 0.5)
	target := tensorOf([]int{4, 1}, 1, 0, 1, 1)
	d := NewTensor(4, 1)
	BinaryCrossentropy{}.Grad(d, pred, target)
	for i := 0; i < 3; i++ {
		if d.Data[i] != 0 {
			t.Errorf("grad at clipped p=%v is %v, want 0", pred.Data[i], d.Data[i])
		}
	}
	if want := float32(-1 / 0.5 / 4); d.Data[3] != want {
		t.Errorf("grad at p=0.5 = %v, want %v", d.Data[3], want)
	}

	// Categorical: the true class predicted as 0 is clipped, so only the
	// normalisation term remains; it is zero too as g is zero everywhere.
	pc := tensorOf([]int{1, 2}, 0, 1)
	dc := NewTensor(1, 2)
	CategoricalCrossentropy{}.Grad(dc, pc, tensorOf([]int{1, 2}, 1, 0))
	if dc.Data[0] != 0 || dc.Data[1] != 0 {
		t.Errorf("categorical grad with the true class clipped = %v, want [0 0]", dc.Data)
	}
}

func TestSparseMatchesCategorical(t *testing.T) {
	pred := tensorOf([]int{3, 4}, 0.1, 0.2, 0.3, 0.4, 1, 2, 3, 4, 0.5, 0.25, 0.125, 0.125)
	labels := []int{3, 0, 1}
	sparse := NewTensor(3, 1)
	onehot := NewTensor(3, 4)
	for i, c := range labels {
		sparse.Data[i] = float32(c)
		onehot.Data[i*4+c] = 1
	}
	ls, lc := SparseCategoricalCrossentropy{}.Loss(pred, sparse), CategoricalCrossentropy{}.Loss(pred, onehot)
	if ls != lc {
		t.Errorf("sparse loss %v != categorical loss %v", ls, lc)
	}
	ds, dc := NewTensor(3, 4), NewTensor(3, 4)
	SparseCategoricalCrossentropy{}.Grad(ds, pred, sparse)
	CategoricalCrossentropy{}.Grad(dc, pred, onehot)
	if !bitEqual(ds.Data, dc.Data) {
		t.Errorf("sparse grad %v != categorical grad %v", ds.Data, dc.Data)
	}
}

func TestLossNaNPropagates(t *testing.T) {
	nan := float32(math.NaN())
	for _, loss := range []Loss{BinaryCrossentropy{}, CategoricalCrossentropy{}} {
		if l := loss.Loss(tensorOf([]int{1, 2}, nan, 0.5), tensorOf([]int{1, 2}, 1, 0)); !math.IsNaN(l) {
			t.Errorf("%s of a NaN prediction = %v, want NaN", loss.Name(), l)
		}
	}
}

func TestLossByName(t *testing.T) {
	for _, name := range []string{"binary_crossentropy", "categorical_crossentropy", "Sparse_Categorical_Crossentropy"} {
		l, err := LossByName(name)
		if err != nil {
			t.Fatalf("LossByName(%q): %v", name, err)
		}
		if l.Name() != strings.ToLower(name) {
			t.Errorf("LossByName(%q).Name() = %q", name, l.Name())
		}
	}
	_, err := LossByName("mse")
	if err == nil || !strings.Contains(err.Error(), `unknown loss "mse": expected one of binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy`) {
		t.Errorf("LossByName(mse) error = %v", err)
	}
}

func TestLossPanicsOnShapes(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{"bce target", func() { BinaryCrossentropy{}.Loss(NewTensor(2, 1), NewTensor(3, 1)) }, "expected target shape (2, 1), received (3, 1)"},
		{"cce grad", func() { CategoricalCrossentropy{}.Grad(NewTensor(2, 2), NewTensor(2, 3), NewTensor(2, 3)) }, "expected gradient shape (2, 3), received (2, 2)"},
		{"sparse label", func() {
			SparseCategoricalCrossentropy{}.Loss(tensorOf([]int{1, 2}, 0.5, 0.5), tensorOf([]int{1, 1}, 2))
		}, "expected a class index in [0, 2), received 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(fmt.Sprint(r), tt.want) {
					t.Errorf("panic %v, want one containing %q", r, tt.want)
				}
			}()
			tt.f()
		})
	}
}

func ExampleBinaryCrossentropy() {
	pred := &Tensor{Shape: []int{2, 1}, Data: []float32{0.9, 1}}
	target := &Tensor{Shape: []int{2, 1}, Data: []float32{1, 0}}
	// The second prediction is clipped to 1-1e-7 (in float32), as in Keras.
	fmt.Printf("%.4f\n", BinaryCrossentropy{}.Loss(pred, target))
	// Output: 8.0239
}
