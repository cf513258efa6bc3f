package atlas

import (
	"fmt"
	"slices"

	"github.com/convscope/convscope/nn"
)

// Bounder proves upper bounds of what a channel can reach: for a
// Sequential chain of valid, stride-1 Conv2D layers (ReLU or linear) and
// valid max pooling (stride = pool size) — the tutorial's convnet — it
// bounds the pre-activation z of every cell of a layer over all images
// whose pixels lie in the box [Lo, Hi] (the network's input: 255·rescale
// times the 8-bit pixels; [0, 1] for the tutorial's 1/255).
//
// With valid padding every cell of a channel sees a full box-shaped patch
// of the image (its receptive field, R×R pixels, neighbouring cells
// S pixels apart), so one cell's bound is every cell's: one interval per
// channel and layer.
//
// Two bounds, the tighter kept:
//
//   - interval bound propagation (IBP; Gowal et al., "On the effectiveness
//     of interval bound propagation for training verifiably robust
//     models", 2018): z ∈ [b + Σ min(w·l, w·u), b + Σ max(w·l, w·u)] from
//     the input's intervals, relu and max pooling monotone;
//   - linear bound propagation (CROWN: Zhang et al., "Efficient neural
//     network robustness certification with general activation
//     functions", NeurIPS 2018): a linear function Λ·x + d of the cell's
//     patch x with z ≤ Λ·x + d on the whole box, obtained backwards from
//     the cell, layer by layer, replacing each nonlinearity by a linear
//     bound valid on its input interval (below), then maximised over the
//     box in closed form: d + Σ max(Λ·Lo, Λ·Hi). For a lower bound, the
//     same on −z.
//
// The relaxations, for an input interval [l, u] (with coefficient λ on the
// output; λ > 0 needs an upper bound of the output, λ < 0 a lower one):
//
//	relu:  u ≤ 0: 0; l ≥ 0: z; else λ > 0: relu(z) ≤ u·(z − l)/(u − l)
//	       (the triangle's upper side), λ < 0: relu(z) ≥ α·z with α = 1
//	       if u ≥ −l else 0 (CROWN's adaptive lower slope), or α = 0
//	       always (a variant)
//	max of n inputs in [l, u] (pooling after the ReLU, so l ≥ 0):
//	       λ < 0: max(x) ≥ mean(x);
//	       λ > 0, one of three (pool): the constant u; the mean,
//	       max(x) ≤ mean(x) + (n − 1)/n·(u − l) (max − mean is convex, its
//	       largest value on the box at a vertex with one input at u); the
//	       sum, max(x) ≤ Σx − (n − 1)·l (every input ≥ l).
//
// Each variant of the pooling bound gives a valid Λ, d; the smallest
// result is kept. Intermediate layers' bounds are computed the same way,
// layer by layer (needed by the relaxations), each the tighter of IBP's
// and CROWN's.
type Bounder struct {
	Lo, Hi float64
	layers []bLayer
	in     [3]int // input h, w, c
	// zl, zu: per layer and channel, the interval of the layer's output
	// before its activation (conv) or of its output (pooling).
	zl, zu [][]float64
	// crownIntervals tightens the intermediate layers' intervals with
	// CROWN too (NewBounderCROWN); measured on the default model it
	// gives nothing over IBP's (the ReLUs of conv2d_1 are unstable over
	// the box: wide intervals, loose triangles) and costs 20–35 s.
	crownIntervals bool
}

// bLayer is one layer of the chain.
type bLayer struct {
	name           string
	pool           int // > 0: max pooling, pool×pool, stride pool
	kh, kw, ci, co int
	k, b           []float64 // kernel (kh, kw, ci, co), bias
	relu           bool
	c              int // channels of the output
}

// Pool relaxations for a positive coefficient (see Bounder).
const (
	poolConst = iota
	poolMean
	poolSum
	poolVariants
	// variant + poolVariants: the same with the ReLU's lower slope α = 0
	// always (IBP's lower bound 0).
)

// NewBounder reads net's layers up to the first that is neither a Conv2D
// nor a MaxPooling2D (Flatten) and computes every layer's intervals for
// inputs in [lo, hi]. Other layers or settings (padding, strides,
// dilation, groups, an activation other than relu or linear) are an
// error.
func NewBounder(net *nn.Sequential, lo, hi float64) (*Bounder, error) {
	return newBounder(net, lo, hi, false)
}

// NewBounderCROWN is NewBounder with every intermediate interval the
// tighter of IBP's and CROWN's (slow: a backward pass per channel, sign
// and variant).
func NewBounderCROWN(net *nn.Sequential, lo, hi float64) (*Bounder, error) {
	return newBounder(net, lo, hi, true)
}

func newBounder(net *nn.Sequential, lo, hi float64, crown bool) (*Bounder, error) {
	in := net.InputShape()
	bd := &Bounder{Lo: lo, Hi: hi, in: [3]int{in[0], in[1], in[2]}, crownIntervals: crown}
	c := in[2]
	for _, l := range net.Layers() {
		cf := l.Config()
		switch cf.ClassName {
		case "Conv2D":
			ps := l.Params()
			if cf.Padding != "valid" || cf.Strides != [2]int{1, 1} || cf.Groups > 1 ||
				(cf.DilationRate != [2]int{} && cf.DilationRate != [2]int{1, 1}) || cf.Pads != [4]int{} ||
				(cf.Activation != "relu" && cf.Activation != "linear") || len(ps) < 1 {
				return nil, fmt.Errorf("atlas: bound: expected a valid stride-1 Conv2D with relu or linear, received %+v", cf)
			}
			k := ps[0]
			bl := bLayer{name: cf.Name, kh: k.Shape[0], kw: k.Shape[1], ci: k.Shape[2], co: k.Shape[3], relu: cf.Activation == "relu"}
			bl.k = make([]float64, len(k.Value))
			for i, v := range k.Value {
				bl.k[i] = float64(v)
			}
			bl.b = make([]float64, bl.co)
			if len(ps) > 1 {
				for i, v := range ps[1].Value {
					bl.b[i] = float64(v)
				}
			}
			if bl.ci != c {
				return nil, fmt.Errorf("atlas: bound: %s: expected %d input channels, received %d", cf.Name, c, bl.ci)
			}
			bl.c, c = bl.co, bl.co
			bd.layers = append(bd.layers, bl)
		case "MaxPooling2D":
			if cf.PoolSize[0] != cf.PoolSize[1] || cf.Strides != cf.PoolSize || cf.Padding != "valid" || cf.Pads != [4]int{} || cf.CeilMode {
				return nil, fmt.Errorf("atlas: bound: expected square valid max pooling with stride = pool, received %+v", cf)
			}
			bd.layers = append(bd.layers, bLayer{name: cf.Name, pool: cf.PoolSize[0], c: c})
		default:
			if len(bd.layers) == 0 {
				return nil, fmt.Errorf("atlas: bound: expected Conv2D first, received %s", cf.ClassName)
			}
			return bd, bd.intervals()
		}
	}
	return bd, bd.intervals()
}

// variants is the number of relaxation variants for a bound of layer j:
// 2·poolVariants (each pooling relaxation with the lower ReLU slope
// adaptive or 0) with a pooling layer before it, else 1 (z is affine in
// the patch: no relaxation).
func (bd *Bounder) variants(j int) int {
	for _, l := range bd.layers[:j] {
		if l.pool > 0 {
			return 2 * poolVariants
		}
	}
	return 1
}

// index returns the position of the layer called name.
func (bd *Bounder) index(name string) (int, error) {
	for i, l := range bd.layers {
		if l.name == name {
			return i, nil
		}
	}
	return 0, fmt.Errorf("atlas: bound: expected a conv or pooling layer of the chain, received %q", name)
}

// outBounds returns the interval of layer j's output after its
// activation, channel c (the input box for j < 0).
func (bd *Bounder) outBounds(j, c int) (float64, float64) {
	if j < 0 {
		return bd.Lo, bd.Hi
	}
	l, u := bd.zl[j][c], bd.zu[j][c]
	if bd.layers[j].relu {
		l, u = max(l, 0), max(u, 0)
	}
	return l, u
}

// intervals computes zl, zu layer by layer: IBP, tightened by CROWN for
// the convolutions after the first (for the first, IBP is exact: z is
// affine in the patch).
func (bd *Bounder) intervals() error {
	for j, l := range bd.layers {
		zl, zu := make([]float64, l.c), make([]float64, l.c)
		if l.pool > 0 {
			for c := range l.c {
				zl[c], zu[c] = bd.outBounds(j-1, c)
			}
			bd.zl, bd.zu = append(bd.zl, zl), append(bd.zu, zu)
			continue
		}
		for o := range l.co {
			lo, hi := l.b[o], l.b[o]
			for i := o; i < len(l.k); i += l.co {
				w := l.k[i]
				a, b := bd.outBounds(j-1, (i/l.co)%l.ci)
				lo += min(w*a, w*b)
				hi += max(w*a, w*b)
			}
			zl[o], zu[o] = lo, hi
		}
		bd.zl, bd.zu = append(bd.zl, zl), append(bd.zu, zu)
		if j == 0 || !bd.crownIntervals {
			continue
		}
		parallelFor(l.co, func(o int) {
			for v := range bd.variants(j) {
				_, _, _, u := bd.linear(j, o, 1, v)
				_, _, _, nl := bd.linear(j, o, -1, v)
				zu[o] = min(zu[o], u)
				zl[o] = max(zl[o], -nl)
			}
		})
	}
	return nil
}

// linear runs CROWN backwards from one cell of layer j (a convolution),
// channel k, for the objective sign·z: it returns Λ over the cell's
// receptive field (r×r pixels, input channels last) and d with
// sign·z ≤ Λ·x + d for every patch x in the box, and that function's
// largest value over the box. variant chooses the pooling's upper
// relaxation.
func (bd *Bounder) linear(j, k int, sign float64, variant int) (lam []float64, d float64, r int, top float64) {
	s := 1
	lam = make([]float64, bd.layers[j].c)
	lam[k] = sign
	for i := j; i >= 0; i-- {
		l := bd.layers[i]
		if i < j && l.relu { // coefficients on relu(z): move them onto z
			for q, v := range lam {
				lo, hi := bd.zl[i][q%l.c], bd.zu[i][q%l.c]
				switch {
				case v == 0 || hi <= 0:
					lam[q] = 0
				case lo >= 0:
				case v > 0:
					sl := hi / (hi - lo)
					lam[q] = v * sl
					d -= v * sl * lo
				case variant >= poolVariants || hi < -lo: // α = 0
					lam[q] = 0
				}
			}
		}
		if l.pool > 0 {
			lam, d = bd.poolBack(i, lam, d, s, variant)
			s *= l.pool
			continue
		}
		for q, v := range lam {
			d += v * l.b[q%l.co]
		}
		lam = convBack(lam, s, l)
		s += l.kh - 1
	}
	top = d
	for _, v := range lam {
		top += max(v*bd.Lo, v*bd.Hi)
	}
	return lam, d, s, top
}

// convBack returns the coefficients on a convolution's input (size
// (s+kh−1)², l.ci channels) from those on its output (s², l.co).
func convBack(lam []float64, s int, l bLayer) []float64 {
	n := s + l.kh - 1
	out := make([]float64, n*n*l.ci)
	for y := range s {
		for x := range s {
			row := lam[(y*s+x)*l.co : (y*s+x+1)*l.co]
			if !slices.ContainsFunc(row, func(v float64) bool { return v != 0 }) {
				continue
			}
			for dy := range l.kh {
				for dx := range l.kw {
					dst := out[((y+dy)*n+x+dx)*l.ci : ((y+dy)*n+x+dx+1)*l.ci]
					kk := l.k[(dy*l.kw+dx)*l.ci*l.co:]
					for ci := range l.ci {
						w := kk[ci*l.co : (ci+1)*l.co]
						var acc float64
						for co, v := range row {
							acc += v * w[co]
						}
						dst[ci] += acc
					}
				}
			}
		}
	}
	return out
}

// poolBack moves coefficients from a max pooling's output (s², c) to its
// input ((s·p)², c), with the relaxations of Bounder.
func (bd *Bounder) poolBack(i int, lam []float64, d float64, s, variant int) ([]float64, float64) {
	l := bd.layers[i]
	p, c := l.pool, l.c
	n := s * p
	fn := float64(p * p)
	out := make([]float64, n*n*c)
	for y := range s {
		for x := range s {
			for ch := range c {
				v := lam[(y*s+x)*c+ch]
				if v == 0 {
					continue
				}
				lo, hi := bd.outBounds(i-1, ch)
				var w float64 // each input's coefficient
				switch {
				case v < 0 || variant%poolVariants == poolMean:
					w = v / fn
					if v > 0 {
						d += v * (fn - 1) / fn * (hi - lo)
					}
				case variant%poolVariants == poolConst:
					d += v * hi
				default: // sum
					w = v
					d -= v * (fn - 1) * lo
				}
				if w == 0 {
					continue
				}
				for dy := range p {
					for dx := range p {
						out[((y*p+dy)*n+x*p+dx)*c+ch] += w
					}
				}
			}
		}
	}
	return out, d
}
