package nn

import "math"

// Adam is Keras' Adam (keras.optimizers.Adam; defaults learning_rate
// 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7; amsgrad is not
// supported), in Keras' form with the bias correction folded into the step
// size. At step t = 1, 2, … with moments m and v (initially 0):
//
//	m    = b1·m + (1-b1)·g
//	v    = b2·v + (1-b2)·g²
//	lr_t = lr·sqrt(1-b2^t) / (1-b1^t)
//	w    = w - lr_t·m / (sqrt(v) + eps)
//
// (keras/src/optimizers/adam.py; "epsilon hat" of Kingma & Ba, 2014.)
type Adam struct {
	LR      float64
	Beta1   float64
	Beta2   float64
	Epsilon float64

	t   int     // iterations done
	lrt float32 // lr_t of the current step
	s   slots
}

// NewAdam returns Adam with Keras' defaults and learning rate lr (0.001 if
// lr <= 0).
func NewAdam(lr float64) *Adam {
	return &Adam{LR: defaultLR(lr, 0.001), Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-7}
}

// Name returns "adam".
func (o *Adam) Name() string { return "adam" }

// LearningRate returns the learning rate.
func (o *Adam) LearningRate() float64 { return o.LR }

// SetLearningRate sets the learning rate for the following steps.
func (o *Adam) SetLearningRate(lr float64) { o.LR = lr }

// Iterations returns the number of steps taken since construction or Reset
// (Keras' optimizer.iterations).
func (o *Adam) Iterations() int { return o.t }

// Reset drops the moments and the iteration count.
func (o *Adam) Reset() { o.s.reset(); o.t = 0 }

// setEngine makes Step compute with e (the Trainer hands down its model's).
func (o *Adam) setEngine(e Engine) { o.s.eng = e }

// Step applies one update.
func (o *Adam) Step(params []*Param) {
	if !o.s.bound("Adam", params) {
		o.s.bind("Adam", params, 2, o.update)
	}
	o.t++
	t := float64(o.t)
	o.lrt = float32(o.LR * math.Sqrt(1-math.Pow(o.Beta2, t)) / (1 - math.Pow(o.Beta1, t)))
	o.s.run()
}

func (o *Adam) update(i, lo, hi int) {
	p := o.s.params[i]
	w, g := p.Value[lo:hi], p.Grad[lo:hi]
	m, v := o.s.buf[0][i][lo:hi], o.s.buf[1][i][lo:hi]
	// 1-b1 and 1-b2 are formed in float64 before rounding, as Keras does:
	// 1 - float32(0.999) is 1.3e-5 off 0.001.
	b1, b2, eps, lrt := float32(o.Beta1), float32(o.Beta2), float32(o.Epsilon), o.lrt
	c1, c2 := float32(1-o.Beta1), float32(1-o.Beta2)
	for j, gj := range g {
		mj := b1*m[j] + c1*gj
		vj := b2*v[j] + c2*gj*gj
		m[j], v[j] = mj, vj
		w[j] -= lrt * mj / (float32(math.Sqrt(float64(vj))) + eps)
	}
}
