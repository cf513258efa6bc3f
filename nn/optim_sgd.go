package nn

// SGD is Keras' stochastic gradient descent with optional momentum
// (keras.optimizers.SGD; defaults learning_rate 0.01, momentum 0,
// nesterov false). With momentum m and velocity v (initially 0):
//
//	v = m·v - lr·g
//	w = w + v                  (nesterov=false)
//	w = w + m·v - lr·g         (nesterov=true, with the new v)
//
// and, when m = 0, simply w = w - lr·g (no state).
type SGD struct {
	LR       float64
	Momentum float64
	Nesterov bool

	s slots
}

// NewSGD returns SGD with Keras' defaults and learning rate lr (0.01 if
// lr <= 0).
func NewSGD(lr float64) *SGD { return &SGD{LR: defaultLR(lr, 0.01)} }

// Name returns "sgd".
func (o *SGD) Name() string { return "sgd" }

// LearningRate returns the learning rate.
func (o *SGD) LearningRate() float64 { return o.LR }

// SetLearningRate sets the learning rate for the following steps.
func (o *SGD) SetLearningRate(lr float64) { o.LR = lr }

// Reset drops the velocities.
func (o *SGD) Reset() { o.s.reset() }

// setEngine makes Step compute with e (the Trainer hands down its model's).
func (o *SGD) setEngine(e Engine) { o.s.eng = e }

// Step applies one update.
func (o *SGD) Step(params []*Param) {
	if !o.s.bound("SGD", params) {
		n := 0 // Keras keeps no velocity without momentum
		if o.Momentum != 0 {
			n = 1
		}
		o.s.bind("SGD", params, n, o.update)
	}
	if o.Momentum != 0 && len(o.s.buf) == 0 {
		panic("nn: SGD.Step: Momentum was set after the first step; call Reset first")
	}
	o.s.run()
}

func (o *SGD) update(i, lo, hi int) {
	p := o.s.params[i]
	w, g := p.Value[lo:hi], p.Grad[lo:hi]
	lr, m := float32(o.LR), float32(o.Momentum)
	if m == 0 {
		for j, gj := range g {
			w[j] -= lr * gj
		}
		return
	}
	v := o.s.buf[0][i][lo:hi]
	for j, gj := range g {
		v[j] = m*v[j] - lr*gj
		if o.Nesterov {
			w[j] += m*v[j] - lr*gj
		} else {
			w[j] += v[j]
		}
	}
}
