package atlas

import (
	"context"
	"math"
	"math/rand"
	"runtime"
	"sync"

	"github.com/convscope/convscope/nn"
)

// sample is one channel's optimisation state.
type sample struct {
	p, dp  []float32 // parameters and ∂J/∂p
	am, av []float32 // Adam's moments (Fourier)
	y      []float32 // Fourier: the image before colour and sigmoid (h, w, c)
	x      []float32 // the image in [0, 1]
	dx     []float32 // scratch, image-sized
	tmp    []float32
	spec   *spectrum // nil: pixel parameterisation
	tf     affine
	max    float64    // largest gradient RMS seen
	rng    *rand.Rand // this channel's: its start and transformations
}

// optimise runs the gradient ascent for one batch of channels.
func optimise(ctx context.Context, pre *nn.Graph, rescale float32, chans []int, o Options, seed int64) ([]Result, error) {
	in := pre.InputShape()
	h, w, c := in[0], in[1], in[2]
	n, size := len(chans), h*w*c
	osh := pre.OutputShape()
	oh, ow, oc := osh[0], osh[1], osh[2]
	b := max(min(o.Border, (oh-1)/2, (ow-1)/2), 0)
	area := float32((oh - 2*b) * (ow - 2*b))
	M := colorMatrix()
	fourier := o.Param == ParamFourier
	polish := o.Steps - max(o.Polish, 0) // steps from here on see the image itself

	ss := make([]sample, n)
	for s := range ss {
		st := &ss[s]
		// One random stream per channel, so that a channel's picture
		// depends on the seed and the channel only, not on the other
		// channels of its batch (the app's atlas of a layer and the
		// command line's --channels give the same picture).
		st.rng = rand.New(rand.NewSource(seed + 1_000_003*int64(chans[s]+1)))
		rng := st.rng
		st.x, st.dx = make([]float32, size), make([]float32, size)
		if fourier {
			st.spec = newSpectrum(h, w, c)
			np := st.spec.Size()
			st.p, st.dp = make([]float32, np), make([]float32, np)
			st.am, st.av = make([]float32, np), make([]float32, np)
			st.y = make([]float32, size)
			for i := range st.p {
				st.p[i] = float32(rng.NormFloat64() * 0.01) // Lucid's sd
			}
		} else {
			st.p, st.tmp = st.x, make([]float32, size)
			st.dp = st.dx
			for i := range st.p {
				st.p[i] = rng.Float32() // uniform noise, as the baseline's
			}
			if o.start != nil {
				if x0 := o.start(chans[s]); x0 != nil {
					copy(st.p, x0)
				}
			}
		}
	}
	xt := nn.NewTensor(n, h, w, c)
	dy := nn.NewTensor(n, oh, ow, oc)
	res := make([]Result, n)
	// The network's input is a·x + b per channel: 8-bit pixels 255·x
	// rescaled, then standardised as the model's metadata says.
	a, off := inputAffine(c, rescale, o)
	alpha := float32(o.Slope)
	for step := 0; step <= o.Steps; step++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for s := range ss {
			ss[s].tf = randomAffine(ss[s].rng, o)
			if step >= polish {
				ss[s].tf = affine{a: 1, d: 1}
			}
		}
		parallelFor(n, func(s int) {
			st := &ss[s]
			if fourier {
				st.image(M, c == 3)
			}
			xs := xt.Data[s*size : (s+1)*size]
			st.tf.apply(xs, st.x, h, w, c)
			for i := range xs {
				xs[i] = xs[i]*a[i%c] + off[i%c]
			}
		})
		z := pre.Forward(xt, false)
		for s, k := range chans {
			var sum, act float64
			for i := b; i < oh-b; i++ {
				for j := b; j < ow-b; j++ {
					q := ((s*oh+i)*ow+j)*oc + k
					v, d := z.Data[q], float32(1)
					if v < 0 {
						v, d = alpha*v, alpha
					} else {
						act += float64(v)
					}
					sum += float64(v)
					dy.Data[q] = d / area
				}
			}
			j := sum / float64(area)
			if step == 0 {
				res[s].Start, res[s].startAct = j, act/float64(area)
			}
			res[s].Value, res[s].act = j, act/float64(area)
		}
		if step == o.Steps {
			break
		}
		if err := pre.BackwardWith(nn.BackwardOptions{InputGrad: true, SkipWeights: true}, dy); err != nil {
			return nil, err
		}
		g := pre.Grad(nn.GraphInput)
		parallelFor(n, func(s int) {
			st := &ss[s]
			st.tf.adjoint(st.dx, g.Data[s*size:(s+1)*size], h, w, c)
			for i := range st.dx {
				st.dx[i] *= a[i%c]
			}
			if fourier {
				st.backward(M, c == 3)
				st.adam(o.LR, step)
				return
			}
			if o.period > 0 {
				foldPeriodic(st.dx, h, w, c, o.period)
			}
			lr := o.LR
			if o.decay {
				lr *= 1 - 0.75*float64(step)/float64(max(o.Steps-1, 1))
			}
			if o.vertex {
				st.vertexStep()
			} else {
				st.ascend(lr, o.box)
			}
			if o.BlurEvery > 0 && (step+1)%o.BlurEvery == 0 && step < polish {
				blur(st.p, st.tmp, h, w, c, o.BlurSigma)
			}
		})
	}
	for s, k := range chans {
		st := &ss[s]
		if fourier {
			st.image(M, c == 3)
		}
		res[s].Channel = k
		res[s].Image = toRGBA(st.x, h, w, c)
		res[s].Flat = st.max == 0 || math.Abs(res[s].Value-res[s].Start) <= 1e-6*(1+math.Abs(res[s].Start))
	}
	return res, nil
}

// ascend is the pixel parameterisation's step: Keras' normalised gradient
// ascent, x += LR·g/rms(g) (Keras divides by the RMS in its first edition,
// by the L2 norm in its second; the RMS makes LR a per-pixel step in
// [0, 1] units), then x clipped to [0, 1] (projected gradient ascent; Keras
// clips once at the end). g = ∂J/∂x arrives in dx (= dp).
func (st *sample) ascend(lr float64, box float32) {
	var ss float64
	for _, v := range st.dp {
		ss += float64(v) * float64(v)
	}
	rms := math.Sqrt(ss / float64(len(st.dp)))
	st.max = max(st.max, rms)
	if rms == 0 || math.IsNaN(rms) {
		return
	}
	f := float32(lr / rms)
	for i, v := range st.dp {
		st.p[i] = min(max(st.p[i]+f*v, -box), 1+box)
	}
}

// vertexStep moves every pixel to the end of [0, 1] its gradient points
// to (a pixel without gradient stays): the vertex of the box that
// maximises the objective's linearisation, g·x. Where the objective is
// convex in the image (a first convolution: the mean of φ(z), φ convex,
// z affine) this never lowers it, J(x') ≥ J(x) + g·(x' − x) ≥ J(x)
// (a conditional-gradient step with step 1 for a convex maximisation;
// Frank & Wolfe 1956); deeper, it is a trial that extend keeps only if
// it helps.
func (st *sample) vertexStep() {
	var ss float64
	for i, v := range st.dp {
		ss += float64(v) * float64(v)
		switch {
		case v > 0:
			st.p[i] = 1
		case v < 0:
			st.p[i] = 0
		}
	}
	st.max = max(st.max, math.Sqrt(ss/float64(len(st.dp))))
}

// foldPeriodic replaces g (h, w, c) by its mean over the pixels congruent
// mod p in both directions, per colour: the gradient with respect to a
// p×p pattern tiled over the image (up to the class sizes), so a step
// keeps a periodic image periodic.
func foldPeriodic(g []float32, h, w, c, p int) {
	sum := make([]float64, p*p*c)
	cnt := make([]float64, p*p)
	for y := range h {
		for x := range w {
			q := (y%p)*p + x%p
			cnt[q]++
			for k := range c {
				sum[q*c+k] += float64(g[(y*w+x)*c+k])
			}
		}
	}
	for y := range h {
		for x := range w {
			q := (y%p)*p + x%p
			for k := range c {
				g[(y*w+x)*c+k] = float32(sum[q*c+k] / cnt[q])
			}
		}
	}
}

// image sets y = spectrum(p) and x = σ(M·y) (M only for 3 channels).
func (st *sample) image(M [3][3]float32, decorrelate bool) {
	st.spec.Image(st.y, st.p)
	y, x := st.y, st.x
	if !decorrelate {
		for i, v := range y {
			x[i] = sigmoid(v)
		}
		return
	}
	for q := 0; q < len(y); q += 3 {
		r, g, b := y[q], y[q+1], y[q+2]
		for i := range 3 {
			x[q+i] = sigmoid(M[i][0]*r + M[i][1]*g + M[i][2]*b)
		}
	}
}

// backward turns dx = ∂J/∂x into dp = ∂J/∂p for the Fourier
// parameterisation: through the sigmoid, Mᵀ and the spectrum's adjoint.
func (st *sample) backward(M [3][3]float32, decorrelate bool) {
	dx := st.dx
	for i, v := range dx {
		xi := st.x[i]
		dx[i] = v * xi * (1 - xi)
	}
	if decorrelate { // dy = Mᵀ dx
		for q := 0; q < len(dx); q += 3 {
			r, g, b := dx[q], dx[q+1], dx[q+2]
			for j := range 3 {
				dx[q+j] = M[0][j]*r + M[1][j]*g + M[2][j]*b
			}
		}
	}
	st.spec.Adjoint(st.dp, dx)
}

// adam is the Fourier parameterisation's step, Lucid's optimiser: Adam
// (Kingma & Ba 2015; β₁ 0.9, β₂ 0.999, ε 1e-8) ascending with step LR.
func (st *sample) adam(lr float64, step int) {
	const b1, b2, eps = 0.9, 0.999, 1e-8
	var ss float64
	for _, v := range st.dp {
		ss += float64(v) * float64(v)
	}
	st.max = max(st.max, math.Sqrt(ss/float64(len(st.dp))))
	t := float64(step + 1)
	c1, c2 := 1-math.Pow(b1, t), 1-math.Pow(b2, t)
	for i, g := range st.dp {
		st.am[i] = b1*st.am[i] + (1-b1)*g
		st.av[i] = b2*st.av[i] + (1-b2)*g*g
		mh, vh := float64(st.am[i])/c1, float64(st.av[i])/c2
		st.p[i] += float32(lr * mh / (math.Sqrt(vh) + eps))
	}
}

func sigmoid(v float32) float32 { return float32(1 / (1 + math.Exp(-float64(v)))) }

// parallelFor runs f(0..n-1) on up to GOMAXPROCS goroutines.
func parallelFor(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}
