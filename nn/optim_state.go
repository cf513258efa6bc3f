package nn

import (
	"fmt"
	"slices"
	"strings"
)

// OptimizerState is everything an optimizer remembers between steps (Keras'
// optimizer.variables()): its iteration count and its per-parameter slots,
// named as Keras 3 names them: SGD with momentum keeps "momentum", RMSprop
// "velocity" (the moving average of g²), Adam "momentum" (m) and
// "velocity" (v). Saving it with the weights and restoring it lets training
// continue exactly where it stopped (see SaveCheckpoint).
type OptimizerState struct {
	// Name is the optimizer's Keras identifier, e.g. "rmsprop".
	Name string
	// Iterations is the number of steps taken (Keras' optimizer.iterations).
	Iterations int
	// Slots holds one entry per slot and parameter, keyed
	// "<slot>/<parameter name>", e.g. "velocity/conv2d_1/kernel". Empty
	// before the first step.
	Slots map[string][]float32
}

// StatefulOptimizer is an Optimizer whose state can be read and restored.
// SGD, RMSprop and Adam implement it.
type StatefulOptimizer interface {
	Optimizer
	// State returns a copy of the state.
	State() OptimizerState
	// SetState restores a state for params (the parameters Step will be
	// given), checking that its slots match them.
	SetState(params []*Param, s OptimizerState) error
}

// state returns the state of slots named names.
func (s *slots) state(name string, names []string) OptimizerState {
	st := OptimizerState{Name: name, Iterations: s.steps, Slots: map[string][]float32{}}
	if s.params == nil {
		return st
	}
	for k, slot := range names {
		for i, p := range s.params {
			st.Slots[slot+"/"+p.Name] = slices.Clone(s.buf[k][i])
		}
	}
	return st
}

// setState binds the slots to params and fills them from st (a state with
// no slots and no iterations resets them instead).
func (s *slots) setState(name, kerasName string, names []string, params []*Param, st OptimizerState, update func(p, lo, hi int)) error {
	if st.Name != kerasName {
		return fmt.Errorf("nn: %s: cannot restore the state of optimizer %q", name, st.Name)
	}
	if st.Iterations < 0 {
		return fmt.Errorf("nn: %s: iterations must not be negative, received %d", name, st.Iterations)
	}
	if len(st.Slots) == 0 {
		s.reset()
		s.steps = st.Iterations
		return nil
	}
	var problems []string
	want := map[string]bool{}
	for _, slot := range names {
		for _, p := range params {
			key := slot + "/" + p.Name
			want[key] = true
			v, ok := st.Slots[key]
			switch {
			case !ok:
				problems = append(problems, key+": missing")
			case len(v) != len(p.Value):
				problems = append(problems, fmt.Sprintf("%s: expected %d values, received %d", key, len(p.Value), len(v)))
			}
		}
	}
	for key := range st.Slots {
		if !want[key] {
			problems = append(problems, key+": not a slot of this optimizer and model")
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return fmt.Errorf("nn: %s state does not match the model: %s", name, strings.Join(problems, "; "))
	}
	s.bind(name, params, len(names), update)
	for k, slot := range names {
		for i, p := range params {
			copy(s.buf[k][i], st.Slots[slot+"/"+p.Name])
		}
	}
	s.steps = st.Iterations
	return nil
}

// State returns RMSprop's state (slot "velocity").
func (o *RMSprop) State() OptimizerState { return o.s.state(o.Name(), []string{"velocity"}) }

// SetState restores a state returned by State.
func (o *RMSprop) SetState(params []*Param, st OptimizerState) error {
	return o.s.setState("RMSprop", o.Name(), []string{"velocity"}, params, st, o.update)
}

// State returns Adam's state (slots "momentum" and "velocity").
func (o *Adam) State() OptimizerState {
	st := o.s.state(o.Name(), []string{"momentum", "velocity"})
	st.Iterations = o.t
	return st
}

// SetState restores a state returned by State.
func (o *Adam) SetState(params []*Param, st OptimizerState) error {
	if err := o.s.setState("Adam", o.Name(), []string{"momentum", "velocity"}, params, st, o.update); err != nil {
		return err
	}
	o.t = st.Iterations
	return nil
}

// sgdSlots returns SGD's slot names: "momentum" when it has momentum.
func (o *SGD) sgdSlots() []string {
	if o.Momentum != 0 {
		return []string{"momentum"}
	}
	return nil
}

// State returns SGD's state (slot "momentum" when Momentum is not 0).
func (o *SGD) State() OptimizerState { return o.s.state(o.Name(), o.sgdSlots()) }

// SetState restores a state returned by State.
func (o *SGD) SetState(params []*Param, st OptimizerState) error {
	return o.s.setState("SGD", o.Name(), o.sgdSlots(), params, st, o.update)
}
