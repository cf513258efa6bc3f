package session

import (
	"encoding/csv"
	"fmt"
	"image"
	"io"
	"math"
	"sort"
	"strconv"

	"github.com/convscope/convscope/internal/atomicfile"
	"github.com/convscope/convscope/internal/render"
)

// Comparison sets two frames side by side: two images, or one image under
// two sets of weights (two epochs, two model files of one architecture).
type Comparison struct {
	A, B   string // what each side shows ("cat.jpg · epoch 3")
	Layers []CompareLayer
}

// CompareLayer is one map layer of a comparison.
type CompareLayer struct {
	Name       string
	A, B, Diff *image.RGBA // the two sheets and the difference sheet
	// Changes ranks the layer's channels, most changed first.
	Changes []ChannelChange
}

// ChannelChange is how much one channel changed between the two sides:
// the L2 norm of the difference of its standardised maps,
//
//	‖(a − mean a)/std a − (b − mean b)/std b‖₂
//
// (a constant map standardises to zeros), and the same per cell (RMS).
type ChannelChange struct {
	Layer   string
	Channel int
	L2, RMS float64
}

// DiffColormap draws difference maps: diverging, white at zero.
const DiffColormap = "rdbu"

// Compare compares frames a and b (pin one, then change the image or the
// weights): per layer, both sheets in b's view, the difference of the
// standardised maps drawn with DiffColormap on one scale per layer, and
// the channels ranked. Layers must match in name and shape. done runs on
// the UI goroutine.
func (s *Session) Compare(a, b *Frame, nameA, nameB string, done func(*Comparison, error)) {
	if a == nil || b == nil || len(a.Layers) == 0 || len(b.Layers) == 0 {
		done(nil, fmt.Errorf("compare: pin an image first, then show another image or other weights"))
		return
	}
	v := b.View
	s.call(func() {
		s.opts.OnWork("compare")
		c, err := compare(a, b, v)
		if c != nil {
			c.A, c.B = nameA, nameB
		}
		s.post(func() { done(c, err) })
	})
}

func compare(a, b *Frame, v View) (*Comparison, error) {
	if len(a.Layers) != len(b.Layers) {
		return nil, fmt.Errorf("compare: expected the same architecture, received %d and %d map layers", len(a.Layers), len(b.Layers))
	}
	c := &Comparison{}
	dv := v
	dv.Colormap, dv.Scale = DiffColormap, render.Layer
	for i, la := range a.Layers {
		lb := b.Layers[i]
		if la.Name != lb.Name || len(la.Shape) != 3 || la.Shape[0] != lb.Shape[0] || la.Shape[1] != lb.Shape[1] || la.Shape[2] != lb.Shape[2] {
			return nil, fmt.Errorf("compare: expected the same architecture, received layer %s %v and %s %v", la.Name, la.Shape, lb.Name, lb.Shape)
		}
		h, w, ch := la.Shape[0], la.Shape[1], la.Shape[2]
		za, zb := standardise(la.Act.Data, ch), standardise(lb.Act.Data, ch)
		diff := make([]float32, len(za))
		sq := make([]float64, ch)
		for k := range diff {
			d := za[k] - zb[k]
			diff[k] = d
			sq[k%ch] += float64(d) * float64(d)
		}
		cl := CompareLayer{Name: la.Name,
			A:    v.Render(nil, la.Act.Data, h, w, ch).Image,
			B:    v.Render(nil, lb.Act.Data, h, w, ch).Image,
			Diff: dv.Render(nil, diff, h, w, ch).Image}
		for k, q := range sq {
			cl.Changes = append(cl.Changes, ChannelChange{Layer: la.Name, Channel: k, L2: math.Sqrt(q), RMS: math.Sqrt(q / float64(h*w))})
		}
		sort.SliceStable(cl.Changes, func(i, j int) bool { return cl.Changes[i].L2 > cl.Changes[j].L2 })
		c.Layers = append(c.Layers, cl)
	}
	return c, nil
}

// standardise returns each channel of an HWC map as (x − mean)/std
// (zeros for a constant channel).
func standardise(x []float32, c int) []float32 {
	n := len(x) / c
	mean, m2 := make([]float64, c), make([]float64, c)
	for k, v := range x {
		mean[k%c] += float64(v)
	}
	for k := range mean {
		mean[k] /= float64(n)
	}
	for k, v := range x {
		d := float64(v) - mean[k%c]
		m2[k%c] += d * d
	}
	out := make([]float32, len(x))
	for k, v := range x {
		if sd := math.Sqrt(m2[k%c] / float64(n)); sd > 0 && !math.IsNaN(sd) {
			out[k] = float32((float64(v) - mean[k%c]) / sd)
		}
	}
	return out
}

// WriteCSV writes the ranking: layer, rank (1 = most changed, per layer),
// channel, l2, rms, and the two sides' names.
func (c *Comparison) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"layer", "rank", "channel", "l2", "rms", "a", "b"})
	for _, l := range c.Layers {
		for r, ch := range l.Changes {
			cw.Write([]string{l.Name, strconv.Itoa(r + 1), strconv.Itoa(ch.Channel),
				strconv.FormatFloat(ch.L2, 'g', 6, 64), strconv.FormatFloat(ch.RMS, 'g', 6, 64), c.A, c.B})
		}
	}
	cw.Flush()
	return cw.Error()
}

// SaveComparisonCSV writes c's ranking to path atomically, in the
// background; done runs on the UI goroutine.
func (s *Session) SaveComparisonCSV(c *Comparison, path string, done func(error)) {
	s.call(func() {
		err := atomicfile.Write(path, c.WriteCSV)
		s.post(func() { done(err) })
	})
}
