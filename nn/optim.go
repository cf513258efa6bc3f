package nn

import (
	"fmt"
	"strings"
)

// Optimizer updates parameters from their gradients, as a Keras optimizer's
// apply_gradients. Its state (momenta, moving averages) is allocated on the
// first Step and reused: Step does not allocate afterwards. Updates are
// elementwise, so large models are split across the model's Engine workers without
// changing a single bit of the result.
type Optimizer interface {
	// Name is the Keras identifier, e.g. "rmsprop".
	Name() string
	LearningRate() float64
	SetLearningRate(lr float64)
	// Step applies one update to every parameter from its Grad. It must be
	// given the same parameters (in the same order) at every call until
	// Reset; anything else is a programmer error and panics.
	Step(params []*Param)
	// Reset forgets the state (and the iteration count), as a freshly
	// constructed optimizer.
	Reset()
}

// OptimizerByName returns the optimizer with the given Keras identifier
// ("sgd", "rmsprop" or "adam", case-insensitive) and learning rate, with
// Keras' defaults for everything else. lr <= 0 selects Keras' default
// learning rate (0.01 for SGD, 0.001 for the others).
func OptimizerByName(name string, lr float64) (Optimizer, error) {
	switch strings.ToLower(name) {
	case "sgd":
		return NewSGD(lr), nil
	case "rmsprop":
		return NewRMSprop(lr), nil
	case "adam":
		return NewAdam(lr), nil
	}
	return nil, fmt.Errorf("nn: unknown optimizer %q: expected one of adam, rmsprop, sgd", name)
}

// optimChunk is the number of values one parallel work item updates.
const optimChunk = 1 << 14

// optimSpan is a run of one parameter's values, [lo, hi).
type optimSpan struct{ p, lo, hi int }

// slots is the per-parameter state shared by the optimizers: n buffers the
// size of each parameter, and the parameters split into spans for parallel
// updates.
type slots struct {
	params []*Param
	buf    [][][]float32 // buf[s][p] is slot s of parameter p
	spans  []optimSpan
	update func(p, lo, hi int)
	par    func(worker, i int)
	eng    Engine // set by the Trainer from its model
	steps  int    // steps taken (Keras' optimizer.iterations)
}

// bound reports whether the state is allocated, and panics if it was
// allocated for other parameters.
func (s *slots) bound(name string, params []*Param) bool {
	if s.params == nil {
		return false
	}
	if len(params) != len(s.params) {
		panic(fmt.Sprintf("nn: %s.Step: expected the %d parameters of the first step, received %d", name, len(s.params), len(params)))
	}
	for i, p := range params {
		if p != s.params[i] {
			panic(fmt.Sprintf("nn: %s.Step: parameter %d (%s) is not the one of the first step (%s); call Reset to change parameters", name, i, p.Name, s.params[i].Name))
		}
	}
	return true
}

// bind allocates n zeroed state buffers per parameter and splits the
// parameters into spans for update.
func (s *slots) bind(name string, params []*Param, n int, update func(p, lo, hi int)) {
	s.params = append([]*Param(nil), params...)
	s.buf = make([][][]float32, n)
	for k := range s.buf {
		s.buf[k] = make([][]float32, len(params))
		for i, p := range params {
			s.buf[k][i] = make([]float32, len(p.Value))
		}
	}
	s.spans = nil
	for i, p := range params {
		if len(p.Grad) != len(p.Value) {
			panic(fmt.Sprintf("nn: %s.Step: %s has %d values but %d gradients", name, p.Name, len(p.Value), len(p.Grad)))
		}
		for lo := 0; lo < len(p.Value); lo += optimChunk {
			s.spans = append(s.spans, optimSpan{i, lo, min(lo+optimChunk, len(p.Value))})
		}
	}
	s.update = update
	s.par = func(_, i int) {
		sp := s.spans[i]
		s.update(sp.p, sp.lo, sp.hi)
	}
}

// run calls update on every span, in parallel when there is enough work.
func (s *slots) run() {
	s.steps++
	if s.eng.workers() <= 1 || len(s.spans) < 4 {
		for _, sp := range s.spans {
			s.update(sp.p, sp.lo, sp.hi)
		}
		return
	}
	s.eng.parallelFor(len(s.spans), s.par)
}

func (s *slots) reset() { *s = slots{eng: s.eng} }

func defaultLR(lr, def float64) float64 {
	if lr <= 0 {
		return def
	}
	return lr
}
