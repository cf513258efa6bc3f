package session

import (
	"image"
	"strconv"

	"github.com/convscope/convscope/internal/render"
)

// InspectSize is the largest edge of Inspection.Image, in pixels.
const InspectSize = 360

// Inspection is one channel of a layer drawn large, with its statistics,
// histogram and, for a convolution, its kernel: the channel inspector.
type Inspection struct {
	Layer   *LayerView
	Channel int
	Stats   ChannelStats
	// Image is the channel in the frame's view, scaled by a whole factor
	// (or to fit InspectSize) so that map cells stay square.
	Image *image.RGBA
	// Histogram is 288×96 pixels of log counts in 48 bins.
	Histogram *image.RGBA
	// Kernel is the filter's kernel (nil unless the layer is a Conv2D).
	// For a first layer on RGB input it shows every filter as a small RGB
	// picture (KernelRGB); otherwise the filter's slices, one per input
	// channel.
	Kernel    *image.RGBA
	KernelRGB bool
	// KernelCell is, when KernelRGB, the inspected filter's tile, its
	// number and the gap around them in Kernel (the inspector frames it);
	// empty otherwise.
	KernelCell image.Rectangle
	// Values is the channel's map, H×W row-major, copied on the worker
	// (the layer's activation belongs to the network).
	Values []float32
}

// Inspect draws channel ch of layer lv of the frame on screen, on the
// worker (the kernel is read from the network it owns), and hands the
// result to done on the UI goroutine.
func (s *Session) Inspect(lv *LayerView, ch int, done func(*Inspection)) {
	v := s.view
	s.slot.put(request{calls: []func(*worker){func(w *worker) {
		if w.frame == nil || !containsLayer(w.frame.Layers, lv) {
			return // the frame changed: its activations are gone
		}
		s.opts.OnWork("inspect")
		in := inspect(lv, ch, v)
		for _, l := range w.model.MapLayers() { // the layer may belong to a model no longer on screen
			if l.Index == lv.Index && l.Name == lv.Name {
				if k, rgb := kernelSheet(w.model, lv.Index, ch); k != nil {
					in.Kernel, in.KernelRGB = k.Image, rgb
					if rgb {
						in.KernelCell = k.Layout.Cell(ch).Inset(-k.Layout.Gap)
					}
				}
			}
		}
		s.post(func() { done(in) })
	}}})
}

func containsLayer(ls []*LayerView, lv *LayerView) bool {
	for _, l := range ls {
		if l == lv {
			return true
		}
	}
	return false
}

func inspect(lv *LayerView, ch int, v View) *Inspection {
	h, w, c := lv.Shape[0], lv.Shape[1], lv.Shape[2]
	st := lv.Stats
	in := &Inspection{Layer: lv, Channel: ch, Stats: st.Channels[ch], Values: make([]float32, h*w)}
	for p := range in.Values {
		in.Values[p] = lv.Act.Data[p*c+ch]
	}
	cmap := v.Map()
	th, tw := render.TileScale(h, w, InspectSize)
	in.Image = image.NewRGBA(image.Rect(0, 0, tw, th))
	render.RenderChannel(in.Image, lv.Act.Data, h, w, c, ch, v.Scale, cmap, st)
	counts := make([]int, 48)
	render.ChannelHistogram(counts, lv.Act.Data, h, w, c, ch, in.Stats.Min, in.Stats.Max)
	in.Histogram = image.NewRGBA(image.Rect(0, 0, 288, 96))
	render.Histogram(in.Histogram, counts, cmap, true)
	return in
}

// kernelImage draws the kernel of filter ch of layer i (see Inspection).
func kernelImage(m *Model, i, ch int) (out *image.RGBA, rgb bool) {
	if k, rgb := kernelSheet(m, i, ch); k != nil {
		return k.Image, rgb
	}
	return nil, false
}

// kernelSheet is kernelImage's sheet, whose layout places each tile.
func kernelSheet(m *Model, i, ch int) (k *render.Sheet, rgb bool) {
	wt, s, ok := m.Kernel(i)
	if !ok {
		return nil, false
	}
	kh, kw, cin, cout := s[0], s[1], s[2], s[3]
	if ch >= cout {
		return nil, false
	}
	o, rgb := kernelOptions(kh, kw, cin, cout)
	filter := ch
	if rgb {
		filter = -1
	}
	return render.KernelSheet(nil, wt, kh, kw, cin, cout, filter, o), rgb
}

// labelCharW is the width of one character of the sheets' channel labels
// (render draws them in basicfont's 7×13 face).
const labelCharW = 7

// kernelOptions lays out a kernel sheet: a first layer (cin = 3) as one
// RGB picture per filter, 8 to a row; otherwise one tile per input
// channel, 16 to a row, wide enough that the channel numbers under
// neighbouring tiles keep a character's width between them. At 15 pixels
// a tile, "10", "11", "12" were 5 pixels apart (the digits of one number
// 2) and read "101112…" (issue #17 defect 6).
func kernelOptions(kh, kw, cin, cout int) (o render.SheetOptions, rgb bool) {
	o = render.DefaultSheetOptions()
	o.Map = nil
	if cin == 3 {
		o.TileSize, o.Cols = 30, 8
		return o, true
	}
	digits := len(strconv.Itoa(max(cin-1, 0)))
	want := labelCharW*(digits+1) - o.Gap // the label, a blank, minus the gap
	// TileScale rounds down to a whole multiple of the kernel's size.
	o.TileSize, o.Cols = max(15, want+max(kh, kw)-1), 16
	return o, false
}
