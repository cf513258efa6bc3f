package atlas

import (
	"fmt"
	"math"

	"github.com/convscope/convscope/nn"
)

// geometry is the receptive field of one output cell of a chain of valid
// convolutions and poolings: R px square, neighbouring cells S px apart.
type geometry struct{ R, S int }

// chainGeometry returns pre's geometry when pre is a chain the window
// evaluation holds for: Conv2D with valid padding (no explicit pads,
// dilation 1, any stride), pooling with valid padding (no pads, floor
// mode), and cell-wise layers (rescaling, activations). A chain of such
// layers maps an input of L px to ⌊(L − R)/S⌋ + 1 cells, cell i reading
// the input pixels [i·S, i·S + R).
func chainGeometry(pre *nn.Graph) (geometry, bool) {
	g := geometry{R: 1, S: 1}
	prev := nn.GraphInput
	for _, n := range pre.Arch().Nodes {
		c := n.Layer
		if c.ClassName == "InputLayer" {
			prev = c.Name
			continue
		}
		if len(n.Inputs) != 1 || n.Inputs[0] != prev {
			return g, false
		}
		prev = c.Name
		var k, s int
		switch c.ClassName {
		case "Conv2D", "MaxPooling2D", "AveragePooling2D":
			kk, ss, d, _ := c.Window()
			if c.Padding == "same" || c.Pads != [4]int{} || c.CeilMode || d != [2]int{1, 1} {
				return g, false
			}
			if kk[0] != kk[1] || ss[0] != ss[1] || kk[0] < 1 {
				return g, false
			}
			k, s = kk[0], ss[0]
		case "Rescaling", "Identity", "Activation", "ReLU", "LeakyReLU", "Clip":
			continue
		default:
			return g, false
		}
		g.R += (k - 1) * g.S
		g.S *= s
	}
	return g, true
}

// windowSize is the side of the window whose cells see each phase of an
// image of period p (a multiple of S) once: R + p − S px, p/S cells a side.
func (g geometry) windowSize(p int) int { return g.R + p - g.S }

// windowPrefix returns a copy of pre (same layers and weights) for an
// hs×ws input.
func windowPrefix(pre *nn.Graph, hs, ws int) (*nn.Graph, error) {
	a := pre.Arch()
	in := pre.InputShape()
	a.InputShape = []int{hs, ws, in[2]}
	for i := range a.Nodes {
		if a.Nodes[i].Layer.ClassName == "InputLayer" {
			return nil, fmt.Errorf("atlas: expected no InputLayer node in a prefix, received %q", a.Nodes[i].Layer.Name)
		}
	}
	g, err := a.Build()
	if err != nil {
		return nil, err
	}
	g.SetEngine(pre.Engine())
	src := map[string]*nn.Param{}
	for _, p := range pre.Weights() {
		src[p.Name] = p
	}
	for _, p := range g.Weights() {
		q := src[p.Name]
		if q == nil || len(q.Value) != len(p.Value) {
			return nil, fmt.Errorf("atlas: window: expected weight %s %v, received none", p.Name, p.Shape)
		}
		copy(p.Value, q.Value)
	}
	g.WeightsChanged()
	return g, nil
}

// windowAscent runs steps of projected normalised gradient ascent on the
// py×px patterns pats (py, px, c each, in [0, 1]; changed in place), pattern
// s for channel chans[s], each tiled over win, a prefix for a
// g.windowSize(py)×g.windowSize(px) input: the objective is the mean
// over the window's (py/S)·(px/S) cells of φ(z) = max(z, α·z), the gradient with respect to the
// pattern is the window's summed over the pixels congruent mod (py, px), and the
// step falls linearly from lr to lr/10. The network's input is a·x + off
// per colour. It returns each pattern's mean activation (the ReLU's mean
// over the window's cells) at the end, after rounding the pattern to
// 8 bits.
func windowAscent(win *nn.Graph, g geometry, py, px int, chans []int, pats [][]float32, steps int, lr float64, alpha float32, a, off []float32) []float64 {
	Ly, Lx := g.windowSize(py), g.windowSize(px)
	c := len(a)
	n, size := len(pats), Ly*Lx*c
	xt := nn.NewTensor(n, Ly, Lx, c)
	osh := win.OutputShape()
	oh, ow, oc := osh[0], osh[1], osh[2]
	area := float32(oh * ow)
	dy := nn.NewTensor(n, oh, ow, oc)
	vals := make([]float64, n)
	gp := make([][]float32, n)
	for s := range gp {
		gp[s] = make([]float32, py*px*c)
	}
	for step := 0; step <= steps; step++ {
		if step == steps {
			for _, pat := range pats {
				for i, v := range pat {
					pat[i] = float32(math.Round(float64(v)*255)) / 255
				}
			}
		}
		parallelFor(n, func(s int) {
			xs := xt.Data[s*size : (s+1)*size]
			pat := pats[s]
			for y := range Ly {
				for x := range Lx {
					q := ((y%py)*px + x%px) * c
					for k := range c {
						xs[(y*Lx+x)*c+k] = pat[q+k]*a[k] + off[k]
					}
				}
			}
		})
		z := win.Forward(xt, false)
		clear(dy.Data)
		for s, k := range chans {
			var act float64
			for q := s * oh * ow * oc; q < (s+1)*oh*ow*oc; q += oc {
				v := z.Data[q+k]
				d := float32(1)
				if v < 0 {
					d = alpha
				} else {
					act += float64(v)
				}
				dy.Data[q+k] = d / area
			}
			vals[s] = act / float64(area)
		}
		if step == steps {
			break
		}
		if err := win.BackwardWith(nn.BackwardOptions{InputGrad: true, SkipWeights: true}, dy); err != nil {
			panic(err) // shapes are ours
		}
		gx := win.Grad(nn.GraphInput)
		f := lr * (1 - 0.9*float64(step)/float64(max(steps-1, 1)))
		parallelFor(n, func(s int) {
			gs := gx.Data[s*size : (s+1)*size]
			d := gp[s]
			clear(d)
			for y := range Ly {
				for x := range Lx {
					q := ((y%py)*px + x%px) * c
					for k := range c {
						d[q+k] += gs[(y*Lx+x)*c+k] * a[k]
					}
				}
			}
			var ss float64
			for _, v := range d {
				ss += float64(v) * float64(v)
			}
			rms := math.Sqrt(ss / float64(len(d)))
			if rms == 0 || math.IsNaN(rms) {
				return
			}
			st := float32(f / rms)
			pat := pats[s]
			for i, v := range d {
				pat[i] = min(max(pat[i]+st*v, 0), 1)
			}
		})
	}
	return vals
}

// tileRect repeats the py×px pattern pat (py, px, c) over an h×w image.
func tileRect(pat []float32, py, px, h, w, c int) []float32 {
	x := make([]float32, h*w*c)
	for y := range h {
		for xx := range w {
			copy(x[(y*w+xx)*c:(y*w+xx+1)*c], pat[((y%py)*px+xx%px)*c:])
		}
	}
	return x
}
