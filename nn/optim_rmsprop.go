package nn

// RMSprop is Keras' RMSprop (keras.optimizers.RMSprop; defaults
// learning_rate 0.001, rho 0.9, epsilon 1e-7; momentum and centered are not
// supported). With the moving average of squared gradients v (initially 0):
//
//	v = rho·v + (1-rho)·g²
//	w = w - lr·g / (sqrt(v) + eps)
//
// Epsilon is added outside the square root, as in the Keras 2 the tutorial
// was written for (keras/optimizers.py, RMSprop.get_updates:
// p - lr·g / (K.sqrt(new_a) + epsilon)) and in torch.optim.RMSprop, which our
// parity test compares against. Keras 3 and tf.raw_ops.ApplyRMSProp put it
// inside (sqrt(v + eps)); the two differ wherever v is not large next to
// eps, e.g. by about 5 % for a first step with |g| ≈ 1e-3, which is common.
type RMSprop struct {
	LR      float64
	Rho     float64
	Epsilon float64

	s slots
}

// NewRMSprop returns RMSprop with Keras' defaults and learning rate lr
// (0.001 if lr <= 0).
func NewRMSprop(lr float64) *RMSprop {
	return &RMSprop{LR: defaultLR(lr, 0.001), Rho: 0.9, Epsilon: 1e-7}
}

// Name returns "rmsprop".
func (o *RMSprop) Name() string { return "rmsprop" }

// LearningRate returns the learning rate.
func (o *RMSprop) LearningRate() float64 { return o.LR }

// SetLearningRate sets the learning rate for the following steps.
func (o *RMSprop) SetLearningRate(lr float64) { o.LR = lr }

// Reset drops the moving averages.
func (o *RMSprop) Reset() { o.s.reset() }

// setEngine makes Step compute with e (the Trainer hands down its model's).
func (o *RMSprop) setEngine(e Engine) { o.s.eng = e }

// Step applies one update.
func (o *RMSprop) Step(params []*Param) {
	if !o.s.bound("RMSprop", params) {
		o.s.bind("RMSprop", params, 1, o.update)
	}
	o.s.run()
}

func (o *RMSprop) update(i, lo, hi int) {
	p := o.s.params[i]
	w, g, v := p.Value[lo:hi], p.Grad[lo:hi], o.s.buf[0][i][lo:hi]
	rmsprop(w, g, v, float32(o.LR), float32(o.Rho), float32(o.Epsilon))
}
