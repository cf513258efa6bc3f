package nn

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// refStep is an independent float64 implementation of one optimizer update
// of a single value, written from the Keras equations.
type refState struct{ w, v, m float64 }

func refSGD(lr, mom float64, nesterov bool) func(s *refState, g float64, t int) {
	return func(s *refState, g float64, _ int) {
		if mom == 0 {
			s.w -= lr * g
			return
		}
		s.v = mom*s.v - lr*g
		if nesterov {
			s.w += mom*s.v - lr*g
		} else {
			s.w += s.v
		}
	}
}

func refRMSprop(lr, rho, eps float64) func(s *refState, g float64, t int) {
	return func(s *refState, g float64, _ int) {
		s.v = rho*s.v + (1-rho)*g*g
		s.w -= lr * g / (math.Sqrt(s.v) + eps)
	}
}

func refAdam(lr, b1, b2, eps float64) func(s *refState, g float64, t int) {
	return func(s *refState, g float64, t int) {
		s.m = b1*s.m + (1-b1)*g
		s.v = b2*s.v + (1-b2)*g*g
		lrt := lr * math.Sqrt(1-math.Pow(b2, float64(t))) / (1 - math.Pow(b1, float64(t)))
		s.w -= lrt * s.m / (math.Sqrt(s.v) + eps)
	}
}

func TestOptimizerUpdates(t *testing.T) {
	w0 := []float32{1, -0.5, 0.25, 2}
	grads := [][]float32{ // three steps
		{0.5, -1, 0, 1e-4},
		{0.25, 2, 0.5, -1e-4},
		{-0.5, 0.1, 0.5, 3},
	}
	sgdMom := NewSGD(0.1)
	sgdMom.Momentum = 0.9
	sgdNest := NewSGD(0.1)
	sgdNest.Momentum, sgdNest.Nesterov = 0.9, true
	tests := []struct {
		name string
		opt  Optimizer
		ref  func(s *refState, g float64, t int)
	}{
		{"sgd", NewSGD(0), refSGD(0.01, 0, false)},
		{"sgd momentum", sgdMom, refSGD(0.1, 0.9, false)},
		{"sgd nesterov", sgdNest, refSGD(0.1, 0.9, true)},
		{"rmsprop", NewRMSprop(0), refRMSprop(0.001, 0.9, 1e-7)},
		{"rmsprop lr", NewRMSprop(0.1), refRMSprop(0.1, 0.9, 1e-7)},
		{"adam", NewAdam(0), refAdam(0.001, 0.9, 0.999, 1e-7)},
		{"adam lr", NewAdam(0.1), refAdam(0.1, 0.9, 0.999, 1e-7)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newParam("w", len(w0))
			copy(p.Value, w0)
			ref := make([]refState, len(w0))
			for i := range ref {
				ref[i].w = float64(w0[i])
			}
			for step, g := range grads {
				copy(p.Grad, g)
				tt.opt.Step([]*Param{p})
				for i := range ref {
					tt.ref(&ref[i], float64(g[i]), step+1)
					if d := math.Abs(float64(p.Value[i]) - ref[i].w); d > 2e-6*math.Max(1, math.Abs(ref[i].w)) {
						t.Errorf("step %d, w[%d] = %.8g, want %.8g", step+1, i, p.Value[i], ref[i].w)
					}
				}
			}
		})
	}
}

// TestOptimizerHandValues pins updates worked out by hand, w0 = 1, constant
// gradient, three steps.
func TestOptimizerHandValues(t *testing.T) {
	sgdMom := NewSGD(0.1)
	sgdMom.Momentum = 0.9
	sgdNest := NewSGD(0.1)
	sgdNest.Momentum, sgdNest.Nesterov = 0.9, true
	tests := []struct {
		name string
		opt  Optimizer
		g    float32
		want [3]float64
	}{
		// w -= 0.1·1
		{"sgd", NewSGD(0.1), 1, [3]float64{0.9, 0.8, 0.7}},
		// v = -0.1, -0.19, -0.271
		{"sgd momentum", sgdMom, 1, [3]float64{0.9, 0.71, 0.439}},
		// w += 0.9·v - 0.1: -0.19, -0.271, -0.3439
		{"sgd nesterov", sgdNest, 1, [3]float64{0.81, 0.539, 0.1951}},
		// With a constant gradient Adam's bias-corrected moments are
		// m̂ = g and v̂ = g², so every step moves w by ≈ lr·g/|g| = lr.
		{"adam", NewAdam(0.1), 0.5, [3]float64{0.9, 0.8, 0.7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newParam("w", 1)
			p.Value[0] = 1
			for step, want := range tt.want {
				p.Grad[0] = tt.g
				tt.opt.Step([]*Param{p})
				if math.Abs(float64(p.Value[0])-want) > 1e-5 {
					t.Errorf("step %d: w = %.7g, want %.7g", step+1, p.Value[0], want)
				}
			}
		})
	}
}

func TestRMSpropKerasDoc(t *testing.T) {
	// keras.optimizers.RMSprop docstring: loss = var²/2 from var = 10,
	// learning_rate 0.1, one minimize step → 9.683772.
	p := newParam("var1", 1)
	p.Value[0] = 10
	p.Grad[0] = p.Value[0]
	NewRMSprop(0.1).Step([]*Param{p})
	if got := p.Value[0]; math.Abs(float64(got)-9.683772) > 1e-6 {
		t.Errorf("var1 = %.7g, want 9.683772", got)
	}
}

// TestRMSpropEpsilonOutsideSqrt tells Keras 2's sqrt(v) + eps (the
// tutorial's Keras, and PyTorch) from Keras 3's sqrt(v + eps): for a tiny
// gradient they differ by orders of magnitude.
func TestRMSpropEpsilonOutsideSqrt(t *testing.T) {
	p := newParam("w", 1)
	p.Grad[0] = 1e-6
	NewRMSprop(1).Step([]*Param{p})
	v := 0.1 * 1e-12
	want := -1e-6 / (math.Sqrt(v) + 1e-7)
	if got := float64(p.Value[0]); math.Abs(got-want) > 1e-5*math.Abs(want) {
		t.Errorf("w = %.7g, want %.7g (Keras 3's form would give %.7g)", got, want, -1e-6/math.Sqrt(v+1e-7))
	}
}

func TestAdamBiasCorrection(t *testing.T) {
	// Without bias correction the first step would be lr·0.1g/(sqrt(0.001)|g|)
	// ≈ 0.316·lr; with it, it is ≈ lr whatever the gradient's scale.
	for _, g := range []float32{1e-3, 1, 1e3} {
		o := NewAdam(0.01)
		p := newParam("w", 1)
		p.Grad[0] = g
		o.Step([]*Param{p})
		if math.Abs(float64(p.Value[0])+0.01) > 1e-4*0.01+1e-7/float64(g) {
			t.Errorf("g = %v: first step moved w to %.8g, want ≈ -0.01", g, p.Value[0])
		}
		if o.Iterations() != 1 {
			t.Errorf("Iterations = %d, want 1", o.Iterations())
		}
	}
}

func TestOptimizerByName(t *testing.T) {
	tests := []struct {
		name   string
		lr     float64
		wantLR float64
		want   string
	}{
		{"SGD", 0, 0.01, "sgd"},
		{"rmsprop", 1e-4, 1e-4, "rmsprop"},
		{"RMSprop", 0, 0.001, "rmsprop"},
		{"adam", 0, 0.001, "adam"},
	}
	for _, tt := range tests {
		o, err := OptimizerByName(tt.name, tt.lr)
		if err != nil {
			t.Fatal(err)
		}
		if o.Name() != tt.want || o.LearningRate() != tt.wantLR {
			t.Errorf("OptimizerByName(%q, %v) = %s lr %v, want %s lr %v", tt.name, tt.lr, o.Name(), o.LearningRate(), tt.want, tt.wantLR)
		}
	}
	r := NewRMSprop(0)
	if r.Rho != 0.9 || r.Epsilon != 1e-7 {
		t.Errorf("RMSprop defaults rho %v eps %v, want 0.9 1e-7", r.Rho, r.Epsilon)
	}
	a := NewAdam(0)
	if a.Beta1 != 0.9 || a.Beta2 != 0.999 || a.Epsilon != 1e-7 {
		t.Errorf("Adam defaults %v %v %v, want 0.9 0.999 1e-7", a.Beta1, a.Beta2, a.Epsilon)
	}
	if _, err := OptimizerByName("adagrad", 0); err == nil || !strings.Contains(err.Error(), `unknown optimizer "adagrad"`) {
		t.Errorf("OptimizerByName(adagrad) error = %v", err)
	}
}

// bigParams returns parameters large enough for the parallel path, with
// deterministic values and gradients.
func bigParams() []*Param {
	var ps []*Param
	for k, n := range []int{3*optimChunk + 17, 1000, 5} {
		p := newParam(fmt.Sprintf("p%d", k), n)
		for i := range p.Value {
			p.Value[i] = float32(math.Sin(float64(i + k)))
			p.Grad[i] = float32(math.Cos(float64(3*i+k))) * 0.1
		}
		ps = append(ps, p)
	}
	return ps
}

func TestOptimizerParallelIsBitIdentical(t *testing.T) {
	for _, name := range []string{"sgd", "rmsprop", "adam"} {
		var results [2][]float32
		for run, workers := range []int{1, 2} {
			o, _ := OptimizerByName(name, 0.01)
			o.(engineUser).setEngine(Engine{Workers: workers})
			ps := bigParams()
			for step := 0; step < 3; step++ {
				o.Step(ps)
			}
			for _, p := range ps {
				results[run] = append(results[run], p.Value...)
			}
		}
		if !bitEqual(results[0], results[1]) {
			t.Errorf("%s: 2 workers differ from 1", name)
		}
	}
}

func TestOptimizerStepDoesNotAllocate(t *testing.T) {
	for _, workers := range []int{1, 2} {
		sgd := NewSGD(0.01)
		sgd.Momentum = 0.9
		for _, o := range []Optimizer{sgd, NewRMSprop(0), NewAdam(0)} {
			o.(engineUser).setEngine(Engine{Workers: workers})
			ps := bigParams()
			o.Step(ps)
			if a := testing.AllocsPerRun(5, func() { o.Step(ps) }); a != 0 {
				t.Errorf("%s with %d workers: %v allocations per Step, want 0", o.Name(), workers, a)
			}
		}
	}
}

func TestOptimizerPanicsOnOtherParams(t *testing.T) {
	o := NewRMSprop(0)
	o.Step([]*Param{newParam("a", 2)})
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "call Reset") {
			t.Errorf("panic %v, want one mentioning Reset", r)
		}
	}()
	o.Step([]*Param{newParam("b", 2)})
}

func TestOptimizerReset(t *testing.T) {
	o := NewAdam(0.1)
	p := newParam("w", 1)
	p.Grad[0] = 1
	o.Step([]*Param{p})
	o.Reset()
	q := newParam("other", 3) // a new parameter set is fine after Reset
	q.Grad[0] = 1
	o.Step([]*Param{q})
	if o.Iterations() != 1 || math.Abs(float64(q.Value[0])+0.1) > 1e-5 {
		t.Errorf("after Reset: iterations %d, w %v; want 1, ≈ -0.1", o.Iterations(), q.Value[0])
	}
}

func ExampleRMSprop() {
	// keras.optimizers.RMSprop's docstring example: minimise var²/2.
	w := &Param{Name: "var1", Shape: []int{1}, Value: []float32{10}, Grad: []float32{10}}
	opt := NewRMSprop(0.1)
	opt.Step([]*Param{w})
	fmt.Printf("%.6f\n", w.Value[0])
	// Output: 9.683772
}
